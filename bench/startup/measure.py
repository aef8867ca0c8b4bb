"""Starts one build of Agent Hub several times and measures what a cold start costs a caller.

For each run: the time from launch to the first 200 of an authenticated API call (GET /api/me:
the token verified against the issuer's keys, the caller read from PostgreSQL), then the resident
memory when idle and after a short mixed load (reads and chat turns against the fake provider).
Prints one line of medians; the caller compares builds measured in the same run.

usage: measure.py LABEL RUNS BASE_URL TOKEN -- COMMAND...
"""
import http.client
import os
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse


def request(base, method, path, token, body=None, timeout=10):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def first_authenticated_200(base, token, process, limit_s=120):
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        if process.poll() is not None:
            raise SystemExit(f"the service exited with {process.returncode} before answering")
        try:
            status, _ = request(base, "GET", "/api/me", token, timeout=5)
            if status == 200:
                return (time.perf_counter() - started) * 1000
        except OSError:
            pass
        time.sleep(0.002)
    raise SystemExit("no 200 within the limit")


def load(base, token, seconds=8, workers=8):
    status, body = request(base, "POST", "/api/chat/sessions", token, {"agent": "droid", "model": "gpt-4"})
    if status != 201:
        raise SystemExit(f"session: {status} {body[:200]!r}")
    session = json.loads(body)["id"]
    deadline = time.perf_counter() + seconds
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()

    def work():
        i = 0
        while time.perf_counter() < deadline:
            i += 1
            if i % 3 == 0:
                status, _ = request(base, "POST", f"/api/chat/sessions/{session}/messages", token,
                                    {"content": f"turn {i}"}, timeout=30)
            elif i % 3 == 1:
                status, _ = request(base, "GET", f"/api/chat/sessions/{session}/messages?limit=50", token)
            else:
                status, _ = request(base, "GET", "/api/me", token)
            with lock:
                counts["ok" if status < 300 else "failed"] += 1

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def main():
    separator = sys.argv.index("--")
    label, runs, base, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    command = sys.argv[separator + 1:]
    starts, idle, loaded, requests = [], [], [], 0
    for run in range(runs):
        with open(f"target/startup/{label}-{run}.log", "w") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            try:
                starts.append(first_authenticated_200(base, token, process))
                if os.environ.get("START_ONLY"):
                    continue
                time.sleep(3)
                idle.append(rss_mb(process.pid))
                counts = load(base, token)
                if counts["failed"]:
                    raise SystemExit(f"{label}: {counts['failed']} requests failed under load")
                requests = counts["ok"]
                loaded.append(rss_mb(process.pid))
            finally:
                process.terminate()
                process.wait(30)
    if not idle:
        print(f"{label:<8} first authenticated 200: median {statistics.median(starts):7.0f} ms")
        return
    print(f"{label:<8} first authenticated 200: median {statistics.median(starts):7.0f} ms "
          f"(runs: {', '.join(f'{s:.0f}' for s in starts)}); "
          f"RSS idle {statistics.median(idle):4.0f} MB, after load {statistics.median(loaded):4.0f} MB "
          f"({requests} requests in 8 s)")
    print(f"RESULT {label} {statistics.median(starts):.1f} {statistics.median(idle):.1f} {statistics.median(loaded):.1f}")


if __name__ == "__main__":
    main()
