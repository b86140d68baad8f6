"""Work that must run at the same moment, as two gunicorn workers would: each piece in a thread
of its own, started together and waited for. Where the very instant matters, the work itself
meets its twins at a `threading.Barrier` before it acts."""

import threading


def run_at_once(work, arguments, *, timeout=30):
    """work(argument) for each of `arguments`, each in a thread of its own, all started before
    any is waited for."""
    threads = [threading.Thread(target=work, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
