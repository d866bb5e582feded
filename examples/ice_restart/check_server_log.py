"""Checks an ice_restart server log after a run with ICE restarts.

  python3 check_server_log.py SERVER_LOG RESTARTS

Every offer after the first must carry new remote ICE credentials and get
new local ones; after each restart offer the server's ICE state must go
back to connected (the new generation checking; see main.cc) and then to
completed, with a selected pair printed for the new generation. Prints
what it found; exits 1 naming the first check that failed.
"""
import re
import sys


def main():
    path, restarts = sys.argv[1], int(sys.argv[2])
    lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
    offers = []  # (line index, remote ufrag)
    answers = {}
    for i, line in enumerate(lines):
        m = re.fullmatch(r"Offer (\d+): remote ufrag (\S+)", line)
        if m:
            offers.append((i, m.group(2)))
        m = re.fullmatch(r"Answer (\d+): local ufrag (\S+)", line)
        if m:
            answers[int(m.group(1))] = m.group(2)
    errors = []
    if len(offers) != restarts + 1:
        errors.append(f"expected {restarts + 1} offers, saw {len(offers)}")
    remote = [u for _, u in offers]
    local = [answers.get(n) for n in range(1, len(offers) + 1)]
    if None in local:
        errors.append(f"an offer was not answered (local ufrags {local})")
    if len(set(remote)) != len(remote):
        errors.append(f"remote ufrags repeat: {remote}")
    if len(set(local)) != len(local):
        errors.append(f"local ufrags repeat: {local}")
    for n, (start, _) in enumerate(offers[1:], start=2):
        end = offers[n][0] if n < len(offers) else len(lines)
        states = [l.split(": ", 1)[1] for l in lines[start:end]
                  if l.startswith("ICE Connection State has changed: ")]
        pairs = [l for l in lines[start:end]
                 if l.startswith("Selected candidate pair: ")]
        print(f"restart offer {n}: ICE states {states}, {len(pairs)} pair line(s)")
        if "connected" not in states:
            errors.append(f"offer {n}: ICE never went back to connected")
        elif "completed" not in states[states.index("connected"):]:
            errors.append(f"offer {n}: ICE did not reach completed after connected")
        if not pairs:
            errors.append(f"offer {n}: no selected pair for the new generation")
        if "failed" in states or "disconnected" in states:
            errors.append(f"offer {n}: ICE went {states}")
    print(f"remote ufrags {remote}, local ufrags {local}")
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
