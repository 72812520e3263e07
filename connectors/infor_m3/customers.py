"""The order's M3 customer, created through CRS610MI when the connection says so (create_customers).

Default (create_customers = False): the mapped customer is used as is; when it does not exist M3
refuses AddBatchHead with its own message, which the posting shows for review. With create_customers,
post_order first checks the customer (CRS610MI/GetBasicData, a GET) and adds it (CRS610MI/Add from
customer_template, with the Walmart ship-to as name and address) when missing. A customer known to
exist is cached per connection and company, so the check is not repeated for every order.
"""

from django.core.cache import cache

from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError, RecoverableError
from connectors.infor_m3.client import M3TransactionError
from connectors.infor_m3.orders import address_record

KNOWN_FOR = 24 * 3600  # a customer is not deleted under a running integration; a day bounds a stale entry


def _key(connection, cono, cuno):
    return f"m3:customer:{connection.pk}:{cono}:{cuno}"


def add_record(config, cuno, ship_to):
    if not config.customer_template:
        raise ConfigError("Infor M3: create_customers needs customer_template (CUTM for CRS610MI/Add)")
    address = address_record(config, ship_to)
    if not address.get("CUA1"):
        raise PermanentError(f"Infor M3: customer {cuno} does not exist and the order has no address to create it")
    address.pop("ADRT", None)
    address.pop("ECAR", None)  # CRS610MI/Add names the state differently per release; M3 takes it from the template
    return {"CUNO": cuno, "CUTM": config.customer_template, **address, "CUNM": address.get("CUNM") or cuno}


def _exists(client, cuno):
    try:
        # Reference: CRS610MI/GetBasicData (CUNO)
        client.call("CRS610MI", "GetBasicData", {"CUNO": cuno}, returncols=["CUNO", "STAT"])
    except M3TransactionError as exc:
        if exc.field == "CUNO":
            return False
        raise
    return True


def ensure(client, connection, config, cuno, ship_to):
    """Make sure `cuno` exists in M3 (only when config.create_customers); returns True if it was added."""
    if not config.create_customers or cache.get(_key(connection, config.cono, cuno)):
        return False
    added = False
    if not _exists(client, cuno):
        record = add_record(config, cuno, ship_to)
        try:
            # Reference: CRS610MI/Add (CUTM, CUNM, CUA1; CUNO given, so a repeat is refused, never doubled)
            client.bulk("CRS610MI", [("Add", record, ["CUNO"])]).raise_for_errors()
        except M3TransactionError:
            if not _exists(client, cuno):  # "already exists": another worker added it meanwhile
                raise
        except AmbiguousOutcome as exc:
            # No order was sent yet: the next attempt checks the customer again and finds it if it was added.
            raise RecoverableError(f"Infor M3: no answer while adding customer {cuno}; the order was not sent") from exc
        added = True
    cache.set(_key(connection, config.cono, cuno), True, KNOWN_FOR)
    return added
