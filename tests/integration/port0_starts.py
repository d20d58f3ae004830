# port0_starts.py — starts `plateau serve --sip 127.0.0.1:0` 8 times while
# TCP is bound on every other port of the kernel's ephemeral range, and
# succeeds if every start listens (the UDP port's TCP twin may be taken).
#   python3 port0_starts.py PLATEAU CENTER PROMPTS WORKDIR
import os
import resource
import socket
import subprocess
import sys
import time

plateau, center, prompts, work = sys.argv[1:5]
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
with open('/proc/sys/net/ipv4/ip_local_port_range') as f:
    lo, hi = map(int, f.read().split())
held = []
for port in range(lo + lo % 2, hi + 1, 2):
    if len(held) >= hard - 64:
        break
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', port))
        held.append(s)
    except OSError:
        s.close()
print('holding TCP on %d of %d ephemeral ports' % (len(held), hi - lo + 1))

started = 0
for i in range(8):
    log = os.path.join(work, 'port0-%d.log' % i)
    with open(log, 'w') as out:
        p = subprocess.Popen([plateau, 'serve', '--data',
                              os.path.join(work, 'port0-%d' % i),
                              '--config', center, '--sip', '127.0.0.1:0',
                              '--prompts', prompts, '--drain-s', '1'],
                             stdout=out, stderr=out)
    deadline = time.time() + 5
    listening = False
    while time.time() < deadline and p.poll() is None:
        with open(log) as f:
            if 'event=listening' in f.read():
                listening = True
                break
        time.sleep(0.05)
    if p.poll() is None:
        p.kill()
    p.wait()
    if listening:
        started += 1
    else:
        with open(log) as f:
            print('start %d: %s' % (i, f.read()[-300:].strip()))
print('started %d of 8' % started)
sys.exit(0 if started == 8 else 1)
