#!/usr/bin/env python3
"""bench/agents' simulated pull agents: one thread per agent holding a long-poll of its machine's desired state.

Usage: agents.py URL SERVER_PID ADMIN_TOKEN_FILE AGENTS_FILE DOCUMENT_FILE ROUNDS
AGENTS_FILE has one "NAME TOKEN" line per agent; DOCUMENT_FILE is the deployment.json whose closures each round
changes. Each round: every agent asks GET /desired?wait=300&known=ID; once all are waiting, one POST /deployments;
the time from the POST until the last agent has the new deployment's id (and until the POST itself was answered). The baseline, right after: the same agents'
plain GET /api/v1/machines/{name}, all at once, until the last answer. Prints one line per round and the server's
resident memory; exits 1 when an agent gets anything but the new deployment.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url, server_pid, admin_file, agents_file, document_file, rounds = sys.argv[1:7]
target = urllib.parse.urlsplit(url)
admin = open(admin_file).read().strip()
agents = [line.split() for line in open(agents_file) if line.strip()]
document = json.load(open(document_file))


def memory(field):
    with open(f"/proc/{server_pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def request(method, path, token, body=None):
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=600)
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=body, headers=headers)
    return connection


def answer(connection):
    response = connection.getresponse()
    text = response.read()
    connection.close()
    return response.status, text


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def desired(name, token, known=None):
    query = f"?wait=300&known={known}" if known else ""
    return request("GET", f"/api/v1/machines/{name}/desired{query}", token)


def post(round_number):
    # Every machine a new closure: a new desired state for each agent.
    for index, name in enumerate(document["closures"]):
        document["closures"][name] = f"/nix/store/{round_number:04d}{index:028d}-nixos-system-{name}"
    status, text = answer(request("POST", "/api/v1/deployments", admin, json.dumps(document)))
    if status != 201:
        fail(f"POST /api/v1/deployments answered {status}: {text[:300]!r}")
    return json.loads(text)["id"]


def all_at_once(work):
    """Runs work(i) for every agent in its own thread, all started together; returns when each has ended, and the end times."""
    ends = [None] * len(agents)
    errors = []
    start = threading.Barrier(len(agents) + 1)

    def run(i):
        start.wait()
        try:
            work(i)
            ends[i] = time.monotonic()
        except Exception as e:  # one failing agent fails the run
            errors.append(f"{agents[i][0]}: {e}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(agents))]
    for thread in threads:
        thread.start()
    start.wait()
    begun = time.monotonic()
    return threads, ends, errors, begun


known = {}
for name, token in agents:
    status, text = answer(desired(name, token))
    if status != 200:
        fail(f"GET /api/v1/machines/{name}/desired answered {status}: {text[:300]!r}")
    known[name] = json.loads(text)["deploymentId"]
rss_idle = memory("VmRSS")
print(f"bench/agents: {len(agents)} agents have their desired state; server RSS {rss_idle:.1f} MiB")

for round_number in range(1, int(rounds) + 1):
    waiting = [None] * len(agents)
    sent = threading.Semaphore(0)
    results = [None] * len(agents)

    def poll(i):
        name, token = agents[i]
        waiting[i] = desired(name, token, known[name])
        sent.release()
        results[i] = answer(waiting[i])

    threads, ends, errors, _ = all_at_once(poll)
    for _ in agents:
        sent.acquire()
    # Every request is sent; a moment for the server to have taken each up, then the deployment.
    time.sleep(1)
    rss_waiting = memory("VmRSS")
    if any(result is not None for result in results):
        fail("an agent's long-poll answered before the deployment was posted")
    posted = time.monotonic()
    deployment = post(round_number)
    answered = (time.monotonic() - posted) * 1000
    for thread in threads:
        thread.join()
    if errors:
        fail("; ".join(errors[:5]))
    for (name, _), (status, text) in zip(agents, results):
        if status != 200 or json.loads(text)["deploymentId"] != deployment:
            fail(f"{name} got {status} {text[:200]!r}, not deployment {deployment}")
        known[name] = deployment
    delivered = (max(ends) - posted) * 1000

    def plain(i):
        name, _ = agents[i]
        status, text = answer(request("GET", f"/api/v1/machines/{name}", admin))
        if status != 200:
            raise RuntimeError(f"GET /api/v1/machines/{name} answered {status}")

    threads, ends, errors, begun = all_at_once(plain)
    for thread in threads:
        thread.join()
    if errors:
        fail("; ".join(errors[:5]))
    baseline = (max(ends) - begun) * 1000
    print(f"round {round_number} delivered_ms={delivered:.1f} post_answered_ms={answered:.1f} baseline_ms={baseline:.1f} rss_waiting_mib={rss_waiting:.1f} rss_after_mib={memory('VmRSS'):.1f}")

print(f"peak_rss_mib={memory('VmHWM'):.1f}")
