"""printers.device.send against printers.virtual.VirtualPrinter (healthy, and in each of its
fault modes) and misbehaving sockets; the virtual printer's CLI."""
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from printers.device import PrinterUnavailable, send
from printers.virtual import VirtualPrinter, command

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


# --- fault modes, each seen the way the print worker sees it: through send() -------------------

TICKET = b"\x1b@T5\n1 x Fried Rice\n" + b"-" * 48 + b"\n\x1dV\x42\x00"
FAST = 0.3  # send() timeout: every fault below answers or fails well within it


def outcome(vp, data=TICKET, timeout=FAST) -> str:
    try:
        return send("127.0.0.1", vp.port, data, timeout=timeout)
    except PrinterUnavailable as exc:
        return exc.reason


def test_refuse_then_accept_on_the_same_port(printer):
    port = printer.port
    printer.refuse()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert outcome(printer) == "refused"
    printer.accept()
    assert printer.port == port and outcome(printer) == "ok"
    assert printer.wait_for_jobs(1, timeout=2) == [TICKET]
    assert len(printer.records) == 1  # a refused connection never reached the printer


def test_offline_holds_the_job_until_online(printer, tmp_path):
    printer.offline()
    assert outcome(printer) == "offline"
    [rec] = printer.wait_for_records(1, timeout=2)
    assert (rec.reason, rec.printed, rec.held, rec.data) == ("held_offline", False, True, TICKET)
    assert printer.jobs == [] and printer.files == []
    printer.online()
    assert printer.jobs == [TICKET]
    assert (rec.reason, rec.printed, rec.job, rec.held) == ("printed", True, 1, True)
    assert (tmp_path / "job-0001.bin").read_bytes() == TICKET


def test_power_cycle_loses_the_held_job(printer):
    printer.offline()
    assert outcome(printer) == "offline"
    [rec] = printer.wait_for_records(1, timeout=2)
    printer.power_cycle()
    assert printer.state()["offline"]  # the cover is still open
    printer.online()
    assert printer.jobs == [] and rec.reason == "lost_power" and not rec.printed
    assert outcome(printer) == "ok" and printer.wait_for_jobs(1, timeout=2) == [TICKET]


def test_paper_out_holds_until_paper_is_loaded(printer):
    printer.paper_out()
    with socket.create_connection(("127.0.0.1", printer.port), timeout=2) as s:
        s.sendall(b"\x10\x04\x01")
        assert s.recv(1) == b"\x1a"  # offline
        s.sendall(b"\x10\x04\x04")
        assert s.recv(1) == b"\x72"  # paper end
    assert outcome(printer) == "paper_out"
    printer.online()  # not enough: the paper is still out
    records = {r.connection: r for r in printer.wait_for_records(2, timeout=2)}
    assert records[1].reason == "empty" and records[2].reason == "held_paper_out" and printer.jobs == []
    printer.clear()
    assert printer.jobs == [TICKET]


def test_paper_low_still_prints(printer):
    printer.paper_low()
    assert outcome(printer) == "paper_low"
    assert printer.wait_for_jobs(1, timeout=2) == [TICKET]
    printer.paper_ok()
    assert outcome(printer) == "ok"


def test_stall_times_out_the_sender_and_prints_nothing(printer):
    printer.stall()
    assert outcome(printer, timeout=0.2) == "no_status"  # the job fits in the socket buffers
    [rec] = printer.wait_for_records(1, timeout=2)  # ends when the client gives up
    assert (rec.reason, rec.printed) == ("stalled", False)
    assert outcome(printer, bytes(8 << 20), timeout=0.2) == "timeout"  # a job too big for the buffers
    printer.unstall()  # closes the stalled connection (the client's FIN is stuck behind its data)
    assert [r.reason for r in printer.wait_for_records(2, timeout=2)] == ["stalled", "stalled"]
    assert outcome(printer) == "ok" and printer.wait_for_jobs(1, timeout=2) == [TICKET]


def test_drop_after_tears_the_job(printer):
    job = TICKET * 40
    printer.drop_after(100)
    assert outcome(printer, job) == "reset"
    [rec] = printer.wait_for_records(1, timeout=2)
    assert (rec.reason, rec.printed, rec.data) == ("reset_mid_job", False, job[:100])
    assert printer.jobs == [] and printer.files == []
    assert outcome(printer, job) == "ok"  # only the next connection was dropped
    assert printer.wait_for_jobs(1, timeout=2) == [job]


def test_fault_for_a_while_clears_itself():
    with VirtualPrinter() as vp:
        vp.refuse(for_seconds=0.2)
        assert outcome(vp) == "refused"
        vp.wait_accepting(timeout=2)
        assert outcome(vp) == "ok"


def test_a_bare_status_probe_is_recorded_but_not_a_job(printer):
    with socket.create_connection(("127.0.0.1", printer.port), timeout=2) as s:
        s.sendall(b"\x10\x04\x01")
        assert s.recv(1) == b"\x12"
    assert printer.wait_for_records(1, timeout=2)[0].reason == "empty" and printer.jobs == []
    with pytest.raises(TimeoutError):
        printer.wait_for_records(2, timeout=0.05)


def test_out_dir_has_a_transcript_and_a_picture(printer, tmp_path):
    assert outcome(printer) == "ok"
    printer.wait_for_jobs(1, timeout=2)
    assert (tmp_path / "job-0001.txt").read_text() == "T5\n1 x Fried Rice\n" + "-" * 48 + "\n---- cut ----\n"
    from PIL import Image
    with Image.open(tmp_path / "job-0001.png") as img:
        assert img.width == 576 and img.getextrema()[0] < 128


def chaos_run(seed: int, connections: int = 10) -> tuple:
    """Send tickets one after the other to a chaotic printer: what each sender saw, what the
    printer decided, what became of each connection, and what printed once the chaos stopped."""
    with VirtualPrinter() as vp:
        vp.chaos(seed, rate=0.6)
        seen = []
        for i in range(connections):
            vp.wait_accepting(timeout=2)  # a refusal window closes by itself (timer)
            seen.append(outcome(vp, TICKET + str(i).encode(), timeout=0.2))
        ended = sorted(vp.wait_for_records(connections, timeout=2), key=lambda r: r.connection)
        records = [(r.reason, r.held) for r in ended]
        vp.clear()  # the chaos stops: a job held by an offline window still open prints
        return seen, vp.chaos_log, records, sorted(vp.jobs)


def test_chaos_schedule_is_deterministic_for_a_seed():
    first = chaos_run(110)  # a seed that meets every fault in 10 connections, with few slow ones
    seen, log, records, jobs = first
    assert [e["fault"] for e in log] == ["ok", "reset", "ok", "ok", "ok", "stall", "ok", "refuse", "ok", "offline"]
    assert seen == ["ok", "reset", "ok", "ok", "ok", "no_status", "ok", "ok", "ok", "offline"]
    assert [r for r, _ in records] == ["printed", "reset_mid_job", "printed", "printed", "printed", "stalled",
                                       "printed", "printed", "printed", "held_offline"]
    assert len(jobs) == 8 and TICKET + b"9" in jobs  # the held job printed when the chaos stopped
    assert chaos_run(110) == first
    assert chaos_run(111, connections=3)[1] != log[:3]


def test_cli_commands(printer):
    assert command(printer, "offline").startswith("offline")
    assert command(printer, "paper low") == "paper near end: jobs still print"
    assert command(printer, "status").endswith("offline, paper low; 0 printed, 0 held, 0 connections not printed")
    assert outcome(printer) == "offline"
    printer.wait_for_records(1, timeout=2)
    assert command(printer, "online") == "online (1 held jobs printed)" and printer.jobs == [TICKET]
    assert command(printer, "drop 10") == "the next 1 connection(s) will be reset after 10 bytes"
    assert command(printer, "refuse") == "refusing connections" and outcome(printer) == "refused"
    assert command(printer, "ok") == "all clear"
    assert printer.state() == {"listening": True, "offline": False, "paper": "ok", "stall": False, "drops": [], "slow": None,
                               "chaos": None, "jobs": 1, "held": 0, "not_printed": 0}
    assert command(printer, "drop x").startswith("bad arguments") and "type `help`" in command(printer, "frobnicate")


def test_cli_reads_commands_from_stdin(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "printers.virtual", "--port", "0", "--out", str(tmp_path),
                           "--chinese", "big5"], input="paper out\nstatus\nquit\n", capture_output=True,
                          text=True, timeout=10, cwd=Path(__file__).resolve().parents[3])
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0 and lines[0].startswith("virtual printer listening on 127.0.0.1:")
    assert lines[1:] == ["paper out: jobs are held until `paper ok`",
                         f"port {lines[0].split(':')[1].split()[0]}: paper out; 0 printed, 0 held, "
                         "0 connections not printed"]


def test_a_slow_printer_is_waited_for_while_it_takes_the_job_and_given_up_on_only_at_the_limit(printer):
    printer.slow(40_000)  # bytes per second: busy printing, it takes a job a few KB at a time
    small = b"\x1b@" + b"ticket\n" * 100  # 702 bytes: about 18 ms at this rate
    assert send("127.0.0.1", printer.port, small, timeout=2) == "ok"
    assert printer.wait_for_jobs(1, timeout=5) == [small]
    big = b"\x1b@" + b"x" * 60_000  # 1.5 s at this rate: five timeouts, but it never stops taking bytes
    assert send("127.0.0.1", printer.port, big, timeout=0.3) == "ok"  # sent once, confirmed: no second copy
    assert printer.wait_for_jobs(2, timeout=5)[1] == big
    printer.slow(10_000)  # 6 s for the big job: past a 2 s limit on slow printers
    with pytest.raises(PrinterUnavailable) as err:
        send("127.0.0.1", printer.port, big, timeout=0.1, slow_limit_s=2)
    assert err.value.maybe_delivered  # part of it may be on paper: a retry must say REPRINT
    printer.slow(None)
    assert send("127.0.0.1", printer.port, small, timeout=2) == "ok"