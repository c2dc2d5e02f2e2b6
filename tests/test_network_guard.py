"""The autouse guard in conftest.py refuses anything but loopback."""

import socket

import pytest


def test_connection_to_a_public_address_is_refused():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("203.0.113.10", 443))


def test_resolving_a_public_name_is_refused():
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("sts.amazonaws.com", 443)


def test_loopback_is_allowed():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
