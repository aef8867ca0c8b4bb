"""An OpenRouter stand-in that answers every chat completion at once, so a benchmark measures Agent Hub, not a model.

It can also be unkind, for the failure benchmarks: POST /control/down makes every chat completion a
503 until POST /control/up; POST /control/delay?ms=N holds each reply N ms; GET /control/calls
counts the chat completions received so far."""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

REPLY = json.dumps({
    "id": "gen-bench", "object": "chat.completion", "model": "openai/gpt-4",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13},
}).encode()
DOWN = json.dumps({"error": {"code": 503, "message": "No endpoints available"}}).encode()

state = {"down": False, "delay_ms": 0, "calls": 0}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write (buffered, flushed once per request) with Nagle off:
    # written separately on a keep-alive connection, the body waits ~40 ms for a delayed ACK.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        url = urlparse(self.path)
        if url.path.startswith("/control/"):
            if url.path == "/control/down":
                state["down"] = True
            elif url.path == "/control/up":
                state["down"] = False
            elif url.path == "/control/delay":
                state["delay_ms"] = int(parse_qs(url.query).get("ms", ["0"])[0])
            self.answer(200, json.dumps(state).encode())
            return
        with lock:
            state["calls"] += 1
        if state["delay_ms"]:
            time.sleep(state["delay_ms"] / 1000)
        if state["down"]:
            self.answer(503, DOWN)
        else:
            self.answer(200, REPLY)

    def do_GET(self):
        if self.path == "/control/calls":
            self.answer(200, str(state["calls"]).encode())
            return
        self.answer(200, b'{"data":{"label":"bench"}}')

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
