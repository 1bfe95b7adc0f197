"""printers.device.send against printers.virtual.VirtualPrinter and misbehaving sockets."""
import socket
import threading
import time

import pytest

from printers.device import PrinterUnavailable, send
from printers.virtual import VirtualPrinter

JOB = b"\x1b@hello\n" + bytes(range(256)) * 4 + b"\x1dV\x42\x00"  # contains 0x10 0x04 0x05, not a query


@pytest.fixture
def printer(tmp_path):
    with VirtualPrinter(out_dir=tmp_path) as vp:
        yield vp


def test_send_delivers_exact_bytes_as_one_job(printer, tmp_path):
    assert send("127.0.0.1", printer.port, JOB, timeout=2) == "ok"
    assert printer.wait_for_jobs(1, timeout=2) == [JOB]
    assert (tmp_path / "job-0001.bin").read_bytes() == JOB


def test_jobs_in_sequence_and_concurrently(printer):
    send("127.0.0.1", printer.port, b"first", timeout=2)
    threads = [threading.Thread(target=send, args=("127.0.0.1", printer.port, f"job{i}".encode()))
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    jobs = printer.wait_for_jobs(5, timeout=2)
    assert jobs[0] == b"first" and sorted(jobs[1:]) == [b"job0", b"job1", b"job2", b"job3"]
    assert [p.name for p in printer.files] == [f"job-000{i}.bin" for i in range(1, 6)]


def test_status_query_split_across_writes(printer):
    with socket.create_connection(("127.0.0.1", printer.port), timeout=2) as s:
        s.sendall(b"abc\x10")
        s.sendall(b"\x04\x01def\x10\x04")
        assert s.recv(1) == b"\x12"
        s.sendall(b"\x04")
        assert s.recv(1) == b"\x12"
    assert printer.wait_for_jobs(1, timeout=2) == [b"abcdef"]


@pytest.mark.parametrize("status, result", [({}, "ok"), ({4: 0x1E}, "paper_low"),
                                            ({4: 0x72, 1: 0x1A}, "paper_out"), ({1: 0x1A}, "offline")])
def test_status_bits(printer, status, result):
    printer.status.update(status)
    if result in ("ok", "paper_low"):
        assert send("127.0.0.1", printer.port, b"x", timeout=2) == result
    else:
        with pytest.raises(PrinterUnavailable) as err:
            send("127.0.0.1", printer.port, b"x", timeout=2)
        assert err.value.reason == result


def test_closed_port_fails_fast():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connection refused
        start = time.perf_counter()
        with pytest.raises(PrinterUnavailable) as err:
            send("127.0.0.1", port, b"x", timeout=5)
    assert err.value.reason == "refused" and time.perf_counter() - start < 1


def test_silent_listener_is_no_status():
    with socket.create_server(("127.0.0.1", 0)) as server:  # the kernel accepts; nobody answers
        start = time.perf_counter()
        with pytest.raises(PrinterUnavailable) as err:
            send("127.0.0.1", server.getsockname()[1], b"ticket", timeout=0.5)
    assert err.value.reason == "no_status"
    assert 0.4 < time.perf_counter() - start < 1.5


def test_wait_for_jobs_times_out():
    with VirtualPrinter() as vp:
        start = time.perf_counter()
        with pytest.raises(TimeoutError):
            vp.wait_for_jobs(1, timeout=0.2)
        assert 0.19 < time.perf_counter() - start < 1
        assert vp.jobs == []


def test_stop_keeps_partial_job_and_frees_port():
    vp = VirtualPrinter().start()
    client = socket.create_connection(("127.0.0.1", vp.port), timeout=2)
    client.sendall(b"partial")
    client.sendall(b"\x10\x04\x01")
    assert client.recv(1) == b"\x12"  # proves the bytes before the query were read
    vp.stop()
    client.close()
    assert vp.jobs == [b"partial"]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", vp.port), timeout=1).close()


def test_printer_not_reading_is_timeout():
    with socket.create_server(("127.0.0.1", 0)) as server:  # never accepted: socket buffers fill up
        with pytest.raises(PrinterUnavailable) as err:
            send("127.0.0.1", server.getsockname()[1], bytes(8 << 20), timeout=0.3)
    assert err.value.reason == "timeout"


def test_connection_reset():
    server = socket.create_server(("127.0.0.1", 0))

    def reset_first_client():
        conn, _ = server.accept()
        conn.recv(6)  # the job arrived, so the reset hits the write or the status read
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()  # linger 0: RST instead of FIN

    thread = threading.Thread(target=reset_first_client)
    thread.start()
    with server, pytest.raises(PrinterUnavailable) as err:
        send("127.0.0.1", server.getsockname()[1], b"ticket", timeout=2)
    thread.join()
    assert err.value.reason == "reset"
