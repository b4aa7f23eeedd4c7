"""Where the web process listens and the address people are given for it.

`WEB_BIND` (host:port, what `make run` passes to runserver) decides the base URL printed at start-up and put
in QR codes, SMS and letters whenever `SITE_BASE_URL` is not set, so the two cannot disagree. Plain Python:
the settings import it.
"""

import errno
import socket

DEFAULT_BIND = "127.0.0.1:8000"
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def parse_bind(bind):
    """'8001', '0.0.0.0:8001', 'localhost:8001', '[::1]:8001' → (host, port); ValueError when not a bind."""
    text = (bind or "").strip()
    if text.isdigit():
        host, port = "127.0.0.1", text
    elif text.startswith("["):
        host, _sep, port = text[1:].partition("]:")
    else:
        host, _sep, port = text.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"not a host:port address: {bind!r}")
    return host, int(port)


def lan_address():
    """This machine's address on its local network (the interface of the default route), or 127.0.0.1.

    Connecting a UDP socket sends nothing; it only asks the kernel which address it would send from."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere, only used to pick the interface
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def base_url_for_bind(bind):
    """The URL a person opens for a server listening on `bind`: a wildcard bind (0.0.0.0, ::) is reached
    through this machine's local-network address, which is what a phone on the same network can open."""
    host, port = parse_bind(bind)
    if host in WILDCARD_HOSTS:
        host = lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def port_in_use(host, port):
    """True when another program already listens on host:port (what would stop runserver)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # The same option runserver sets: a connection still in TIME_WAIT does not count as busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host or "0.0.0.0", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise  # e.g. a port below 1024 without root, or an address this machine does not have
    return False


def free_port_after(host, port, tries=50):
    """The first free port after `port` on `host` (for the hint when `port` is taken), or None."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        if not port_in_use(host, candidate):
            return candidate
    return None
