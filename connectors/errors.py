"""The four errors an adapter or client may raise (DESIGN §3). Nothing else crosses the contract.

- RecoverableError: the call did not take effect (5xx, 429, refused before sending): retry with backoff.
- PermanentError: the ERP or Walmart refused the data (4xx): to review, with the vendor's message.
- ConfigError: authentication or setup is wrong: the connection is marked broken, staff must act.
- AmbiguousOutcome: the request was sent and no answer came back (timeout, reset): it may have
  taken effect. Never retry blindly; reconcile with find_document(reference) first.
"""


class ConnectorError(Exception):
    """Base of the typed errors. `status` and `vendor_code` come from the vendor's response if any."""

    def __init__(self, message, *, status=None, vendor_code=None, retry_after=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.vendor_code = vendor_code
        self.retry_after = retry_after  # seconds, when the vendor said how long to wait

    def __str__(self):
        return self.message


class RecoverableError(ConnectorError):
    pass


class PermanentError(ConnectorError):
    pass


class ConfigError(PermanentError):
    pass


class AmbiguousOutcome(ConnectorError):
    pass


class ConsentLost(ConfigError):
    """The user's authorization is gone (Exact: refresh token reused or expired): reconnect interactively."""

    auth_state = "consent_lost"
