"""gunicorn settings for ml-connector (`gunicorn -c config/gunicorn.conf.py config.wsgi`).

header_map = "dangerous": Walmart's header names contain underscores (WM_SEC.TIMESTAMP,
WM_SEC.SIGNATURE on webhook deliveries; WM_SVC.NAME, WM_SEC.ACCESS_TOKEN at the sandbox). gunicorn
drops such headers by default. Our code reads each of them by its one exact vendor spelling and
never accepts a dash/underscore variant as the same credential.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads: the demo's sandbox is served by the same process that calls it (admin "Test connection").
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
header_map = "dangerous"
# Several instances may run on one machine (scale-out, tests): no shared ~/.gunicorn control socket.
control_socket_disable = True
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "") else None
