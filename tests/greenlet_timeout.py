"""pytest-timeout for a test run under eventlet, which nameko monkey-patches into every test here.

pytest-timeout's own signal method finds that eventlet's patched `threading` does not call the main
greenlet the main thread, falls back to its thread method and, on a hang, prints the timer thread's
stack (nothing of ours) and ends the whole run with os._exit. Here a test that hangs fails alone,
with every greenlet's stack, and the run goes on: a timer in eventlet's hub throws the failure into
the test's greenlet when it waits on something that never comes; an alarm raises it when the test
itself is busy and never lets the hub run. Should neither get through (another greenlet spinning),
a real thread ends the run a minute later, as pytest-timeout would have.
"""
import gc
import os
import signal
import sys
import traceback

import greenlet
import pytest
from eventlet import hubs, patcher

real_threading = patcher.original("threading")
LAST_RESORT = 60.0  # seconds after the timeout


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item, settings):
    if settings.method != "signal" or settings.timeout <= 0:
        return None
    test = greenlet.getcurrent()
    failure = pytest.fail.Exception(f"Timeout >{settings.timeout}s: where each greenlet was is printed above")
    terminal = item.config.get_terminal_writer()

    def from_the_hub():
        write_stacks(terminal, sys._getframe())
        test.throw(failure)

    def on_alarm(signum, frame):
        if greenlet.getcurrent() is test:  # busy: the hub's timer cannot run
            write_stacks(terminal, frame)
            raise failure

    def last_resort():
        write_stacks(terminal, None)
        terminal.flush()
        os._exit(1)

    timer = hubs.get_hub().schedule_call_global(settings.timeout, from_the_hub)
    end_run = real_threading.Timer(settings.timeout + LAST_RESORT, last_resort)
    end_run.daemon = True

    def cancel():
        timer.cancel()
        end_run.cancel()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    item.cancel_timeout = cancel  # pytest-timeout's cancel hook calls it
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    end_run.start()
    return True


def write_stacks(terminal, frame):
    terminal.sep("+", title="Timeout: where each greenlet is")
    if frame is not None:
        terminal.sep("~", title=f"{greenlet.getcurrent()!r} (running)")
        terminal.write("".join(traceback.format_stack(frame)))
    for other in gc.get_objects():
        if isinstance(other, greenlet.greenlet) and other.gr_frame is not None:
            terminal.sep("~", title=repr(other)[:150])
            terminal.write("".join(traceback.format_stack(other.gr_frame)))
    terminal.sep("+", title="Timeout")
