"""Reads `jfr print --events jdk.ExecutionSample --stack-depth 96` on stdin and prints where the
start-up's CPU samples went: inclusive share per library (a sample counts once for each library
on its stack) and the hottest leaf methods."""
import collections
import re
import sys

FRAME = re.compile(r"^\s+([\w$.]+)\.([\w$<>]+)\(")
samples, inclusive, leaves = 0, collections.Counter(), collections.Counter()
stack = None
for line in sys.stdin:
    if line.startswith("jdk.ExecutionSample"):
        stack = []
    elif stack is not None and line.strip() == "]":
        if stack:
            samples += 1
            leaves[stack[0]] += 1
            libraries = {".".join(frame.split(".")[:3]) for frame in stack}
            inclusive.update(libraries)
        stack = None
    elif stack is not None:
        match = FRAME.match(line)
        if match:
            stack.append(match.group(1) + "." + match.group(2))
print(f"{samples} CPU samples from launch to the first authenticated 200")
print("inclusive, by library:")
for library, count in inclusive.most_common(15):
    print(f"  {100 * count / samples:5.1f} %  {library}")
print("hottest leaf methods:")
for method, count in leaves.most_common(10):
    print(f"  {100 * count / samples:5.1f} %  {method}")
