#!/usr/bin/env python3
"""api_openapi.py — walks docs/openapi.json against a running
`plateau serve --http` on the demo center.

1. Every operation the document lists is called once, in document order,
   as its x-plateau-role demo user, with the documented example body and
   parameters: the status must be one the operation documents (and one of
   x-plateau-expect), the content type the documented one, and a JSON
   answer must carry the schema's required keys (errors: {error: {code,
   message}}).
2. Every operation is then tried as each role of the OTHER tenant
   (nordkauf's admin, supervisor and agent) on hexatel's objects: the
   answer must be 403 or 404 (or, for lists, 200 holding nothing of
   hexatel), never any hexatel data, and hexatel's configuration and
   agents must read back unchanged afterwards.

Usage: api_openapi.py BASE_URL OPENAPI_JSON. Prints one line per check
and "N passed, N failed" last."""
import json
import re
import socket
import sys
import time
import urllib.parse

BASE = sys.argv[1].rstrip("/")
DOC = json.load(open(sys.argv[2]))
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
passed = failed = 0


def ok(name, cond, why=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + why if why else ""))


def http(method, path, token=None, body=None, stream=False):
    """One request on its own connection; returns (status, ctype, body)."""
    data = b"" if body is None else json.dumps(body).encode()
    head = "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" % (method, path)
    if token:
        head += "Authorization: Bearer %s\r\n" % token
    if body is not None:
        head += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(data)
    s = socket.create_connection((HOST, PORT), timeout=10)
    s.sendall(head.encode() + b"\r\n" + data)
    if stream:
        s.settimeout(1.0)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except socket.timeout:
        pass
    s.close()
    hdr, _, rest = out.partition(b"\r\n\r\n")
    lines = hdr.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    ctype = ""
    for ln in lines[1:]:
        if ln.lower().startswith("content-type:"):
            ctype = ln.split(":", 1)[1].strip()
    return status, ctype, rest


def login(user):
    st, _, b = http("POST", "/api/v1/login", body={"user": user, "password": "demo-" + user})
    return json.loads(b)["token"] if st == 200 else None


ROLE_USER = {"agent": "a.benali", "supervisor": "hx-sup", "admin": "hx-admin",
             "operator": "operator"}
OTHER = {"admin": "nk-admin", "supervisor": "nk-sup", "agent": "g.benkirane"}
tokens = {r: login(u) for r, u in ROLE_USER.items()}
others = {r: login(u) for r, u in OTHER.items()}
ok("demo logins of both tenants", all(tokens.values()) and all(others.values()))


def fill(path, op, extra_query=True):
    for p in op.get("parameters", []):
        if p["in"] == "path":
            path = path.replace("{%s}" % p["name"], str(p["example"]))
    q = [(p["name"], str(p["example"])) for p in op.get("parameters", [])
         if p["in"] == "query"]
    if q and extra_query:
        path += "?" + urllib.parse.urlencode(q)
    return path


def body_of(op):
    rb = op.get("requestBody")
    if not rb:
        return None
    b = dict(rb["content"]["application/json"]["example"])
    if "due_ms" in b:              # a time in the future, whenever run
        b["due_ms"] = int(time.time() * 1000) + 3600 * 1000
    return b


def resolve(schema):
    ref = schema.get("$ref")
    if ref:
        return DOC["components"]["schemas"][ref.split("/")[-1]]
    return schema


HEX = re.compile(rb'(?i)hexatel|"hx-[a-z-]*"|a\.benali|amina')


def leaks(body, url):
    """hexatel data in body, not counting the ids the request itself
    named (an error may echo them: "no agent 'a.benali'")."""
    for part in urllib.parse.urlsplit(url).path.split("/"):
        if part:
            body = body.replace(("'%s'" % part).encode(), b"''")
    return HEX.search(body)

ops = []
for path, item in DOC["paths"].items():
    for method, op in item.items():
        ops.append((path, method.upper(), op))

# ---- 1. every route answers as described ------------------------------
for path, method, op in ops:
    url = fill(path, op)
    role = op["x-plateau-role"]
    tok = None if role == "none" else tokens[role]
    st, ctype, b = http(method, url, tok, body_of(op),
                        stream=path.endswith("/events"))
    name = "%s %s as %s" % (method, url, role)
    docs = op["responses"]
    ok(name + ": status %d documented" % st, str(st) in docs and st in op["x-plateau-expect"],
       b[:200].decode("utf-8", "replace"))
    spec = docs.get(str(st), {})
    want = list(spec.get("content", {"application/json": {}}).keys())[0] if spec else ""
    ok(name + ": content type " + want, ctype.split(";")[0] == want.split(";")[0], ctype)
    if want == "application/json" and b:
        try:
            j = json.loads(b)
            sch = resolve(spec["content"][want]["schema"])
            miss = [k for k in sch.get("required", []) if k not in j]
            ok(name + ": required keys", not miss, "missing %s" % miss)
        except ValueError as e:
            ok(name + ": JSON body", False, str(e))

# ---- 2. another tenant's roles: 403/404 and nothing of hexatel --------
def snapshot():
    t = tokens["admin"]
    return [http("GET", p, t)[2] for p in
            ("/api/v1/config/queues", "/api/v1/config/agents", "/api/v1/config/dids",
             "/api/v1/config/users", "/api/v1/config/dispositions")] + \
        [re.sub(rb'"since_ms":[0-9]+', b"", http("GET", "/api/v1/agents/a.benali", t)[2])]


before = snapshot()
for path, method, op in ops:
    if path in ("/api/v1/login", "/api/v1/logout"):
        continue
    for role, tok in others.items():
        body = body_of(op)
        if path == "/api/v1/config/{section}" and method == "POST":
            body = dict(body, tenant="hexatel")
        url = fill(path, op)
        st, _, b = http(method, url, tok, body, stream=path.endswith("/events"))
        has_param = "{" in path and not path.startswith("/api/v1/config/{section}") or \
            path.endswith("{id}")
        name = "%s %s as nordkauf %s" % (method, url, role)
        if has_param or method != "GET":
            ok(name + ": 403/404 (got %d)" % st, st in (403, 404), b[:160].decode("utf-8", "replace"))
        else:
            ok(name + ": 200/403 (got %d)" % st, st in (200, 403), b[:160].decode("utf-8", "replace"))
        ok(name + ": no hexatel data", not leaks(b, url), b[:160].decode("utf-8", "replace"))
after = snapshot()
ok("hexatel's configuration and agent unchanged by the other tenant's tries",
   before == after)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
