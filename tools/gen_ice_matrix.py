#!/usr/bin/env python3
"""Writes the NAT-matrix scenarios: scenarios/ice_matrix_*.textproto (bare
ICE agents exchanging packets) and scenarios/peer_matrix_*.textproto (full
PeerConnections: ICE, DTLS, SCTP and an echo data channel).

Every combination of {no NAT, full cone, restricted cone, port-restricted
cone, symmetric} for the two peers becomes one independent cell (two LANs,
two hosts, two ice_agent nodes) in a shared topology with one STUN server
and, in the TURN variant, one TURN server on the public internet. The
expected outcome of each cell follows from RFC 4787 behaviour:

  * Without TURN, a direct path exists unless one side maps per destination
    (symmetric) and the other filters on the source port (port-restricted or
    symmetric): then every check towards the symmetric side's new mapping
    is dropped, so ICE fails.
  * With TURN, every cell connects; cells without a direct path select a
    relay pair, the others a direct pair (direct pairs outrank relay ones).

Run it after changing the matrix; the files are checked in so that each is
readable and runnable on its own:
    tools/gen_ice_matrix.py
"""

import os

NATS = [
    ("none", None),
    ("full", "full_cone"),
    ("rest", "restricted_cone"),
    ("port", "port_restricted_cone"),
    ("sym", "symmetric"),
]


def direct_possible(a, b):
    """A direct path exists unless symmetric meets port-dependent filtering."""
    hard_filter = {"port", "sym"}
    return not ((a == "sym" and b in hard_filter) or
                (b == "sym" and a in hard_filter))


def endpoint_types(a, b):
    """The candidate types each side's end of the selected pair has.

    Without a NAT a peer is reached at its host address; behind an
    endpoint-independent mapping at the mapping the STUN server reported
    (srflx); behind a symmetric NAT at a mapping only the peer's checks
    reveal (prflx). Without a direct path the relay carries the traffic: the
    relay is the non-symmetric side's (its permission admits the symmetric
    side's fresh mapping), and with both sides symmetric it is b's.
    """
    kind = {"none": "host", "sym": "prflx"}
    ta, tb = kind.get(a, "srflx"), kind.get(b, "srflx")
    if not direct_possible(a, b):
        if a == "sym" and b == "sym":
            tb = "relay"
        elif a == "sym":
            tb = "relay"
        else:
            ta = "relay"
    return ta, tb


def cell_topology(index, name_a, preset_a, name_b, preset_b):
    out = []
    for side, preset in (("a", preset_a), ("b", preset_b)):
        router = "lan_%s%d" % (side, index)
        # Routed (NAT-less) LANs get public prefixes; NATed ones private.
        third = 2 * index + (0 if side == "a" else 1)
        subnet = ("198.18.%d.0/24" % third if preset is None else
                  "10.%d.%d.0/24" % (index, 1 if side == "a" else 2))
        nat = "" if preset is None else ' nat { preset: "%s" }' % preset
        out.append(
            '  router { name: "%s" parent: "internet" subnet: "%s"%s\n'
            '           uplink { both { delay: "20ms" } } }' %
            (router, subnet, nat))
        out.append('  host { name: "%s%d" router: "%s" '
                   'link { both { delay: "5ms" } } }' % (side, index, router))
    return out


def cell_nodes(index, turn, peer):
    if peer:
        return peer_cell_nodes(index, turn)
    out = []
    for side, peer, controlling in (("a", "b", True), ("b", "a", False)):
        fields = [
            'peer: "ice_%s%d"' % (peer, index),
            'stun_server: "stun:3478"',
        ]
        if controlling:
            fields.insert(1, "controlling: true")
        if turn:
            fields.append('turn_server { server: "turn:3478" '
                          'username: "user%d%s" password: "pw%d" }' %
                          (index, side, index))
        out.append('node { name: "ice_%s%d" host: "%s%d"\n'
                   '       ice_agent { %s } }' %
                   (side, index, side, index, "\n                   ".join(fields)))
    return out


def peer_cell_nodes(index, turn):
    out = []
    for side, other, offerer in (("a", "b", True), ("b", "a", False)):
        fields = ['peer: "pc_%s%d"' % (other, index), 'stun_server: "stun:3478"']
        if offerer:
            fields.insert(1, "offerer: true")
            fields.append('channel { label: "echo" messages: 20 '
                          'interval: "100ms" }')
        if turn:
            fields.append('turn_server { server: "turn:3478" '
                          'username: "user%d%s" password: "pw%d" }' %
                          (index, side, index))
        out.append('node { name: "pc_%s%d" host: "%s%d"\n'
                   '       peer { %s } }' %
                   (side, index, side, index,
                    "\n              ".join(fields)))
    return out


def peer_cell_expectations(index, name_a, name_b, turn):
    out = []
    connects = turn or direct_possible(name_a, name_b)
    path = "direct" if direct_possible(name_a, name_b) else "relay"
    ta, tb = endpoint_types(name_a, name_b)
    types = {"a": (ta, tb), "b": (tb, ta)}
    for side in ("a", "b"):
        node = "pc_%s%d" % (side, index)
        if connects:
            out.append('expect { node: "%s" state: "connected" by: "10s" }' %
                       node)
            out.append('expect { node: "%s" detail: "selected_path" '
                       'equals: "%s" }' % (node, path))
            out.append('expect { node: "%s" detail: "selected_local_type" '
                       'equals: "%s" }' % (node, types[side][0]))
        else:
            out.append('expect { node: "%s" state: "failed" by: "40s" }' %
                       node)
            out.append('expect { node: "%s" state: "connected" never: true }'
                       % node)
    node = "pc_a%d" % index
    if connects:
        out.append('expect { node: "%s" metric: "echo_ok" min: 20 max: 20 }'
                   % node)
    else:
        out.append('expect { node: "%s" metric: "echo_ok" max: 0 }' % node)
    return out


def cell_expectations(index, name_a, name_b, turn, peer=False):
    if peer:
        return peer_cell_expectations(index, name_a, name_b, turn)
    out = []
    connects = turn or direct_possible(name_a, name_b)
    path = "direct" if direct_possible(name_a, name_b) else "relay"
    ta, tb = endpoint_types(name_a, name_b)
    types = {"a": (ta, tb), "b": (tb, ta)}
    for side in ("a", "b"):
        node = "ice_%s%d" % (side, index)
        if connects:
            out.append('expect { node: "%s" detail: "selected_local_type" '
                       'equals: "%s" }' % (node, types[side][0]))
            out.append('expect { node: "%s" detail: "selected_remote_type" '
                       'equals: "%s" }' % (node, types[side][1]))
            out.append('expect { node: "%s" state: "connected" by: "10s" }' %
                       node)
            out.append('expect { node: "%s" state: "failed" never: true }' %
                       node)
            out.append('expect { node: "%s" detail: "selected_path" '
                       'equals: "%s" }' % (node, path))
            # One packet per 100 ms for the ~30 s after connecting.
            out.append('expect { node: "%s" metric: "data_received" min: 250 }'
                       % node)
        else:
            out.append('expect { node: "%s" state: "failed" by: "40s" }' %
                       node)
            out.append('expect { node: "%s" state: "connected" never: true }'
                       % node)
            out.append('expect { node: "%s" metric: "data_received" max: 0 }'
                       % node)
    return out


def scenario(turn, peer=False):
    variant = "turn" if turn else "stun"
    prefix = "peer" if peer else "ice"
    lines = []
    lines.append("# GENERATED by tools/gen_ice_matrix.py; edit that, not this.")
    lines.append("#")
    lines.append("# %s NAT matrix, %s: 25 independent cells, one per pair of"
                 % ("PeerConnection" if peer else "ICE",
                    "STUN and TURN" if turn else "STUN only"))
    lines.append("# NAT types (none, full cone, restricted, port-restricted,")
    lines.append("# symmetric) for peer a (%s) and peer b. Cell i"
                 % ("offerer, echo channel" if peer else "controlling"))
    lines.append("# uses hosts a<i>/b<i> and nodes %s_a<i>/%s_b<i>:" %
                 ("pc" if peer else "ice", "pc" if peer else "ice"))
    index = 0
    cells = []
    for name_a, preset_a in NATS:
        for name_b, preset_b in NATS:
            connects = turn or direct_possible(name_a, name_b)
            ta, tb = endpoint_types(name_a, name_b)
            outcome = ("fails" if not connects else
                       "%s, selected %s <-> %s" %
                       ("direct" if direct_possible(name_a, name_b) else
                        "relay", ta, tb))
            lines.append("#   %2d  %-4s x %-4s  %s" %
                         (index, name_a, name_b, outcome))
            cells.append((index, name_a, preset_a, name_b, preset_b))
            index += 1
    lines.append('name: "%s_matrix_%s"' % (prefix, variant))
    lines.append('duration: "40s"')
    lines.append("")
    lines.append("topology {")
    lines.append('  router { name: "internet" subnet: "203.0.113.0/24" }')
    lines.append('  host { name: "stun" router: "internet" '
                 'address: "203.0.113.250" }')
    if turn:
        lines.append('  host { name: "turn" router: "internet" '
                     'address: "203.0.113.251" }')
    for c in cells:
        lines.extend(cell_topology(*c))
    lines.append("}")
    lines.append("")
    lines.append('node { name: "stun_server" host: "stun" stun_server {} }')
    if turn:
        users = " ".join('user: "user%d%s=pw%d"' % (i, s, i)
                         for i in range(len(cells)) for s in ("a", "b"))
        lines.append('node { name: "turn_server" host: "turn"')
        lines.append('       turn_server { realm: "sim" %s } }' % users)
    for c in cells:
        lines.extend(cell_nodes(c[0], turn, peer))
    lines.append("")
    for c in cells:
        lines.extend(cell_expectations(c[0], c[1], c[3], turn, peer))
    if turn:
        lines.append('expect { node: "turn_server" metric: "auth_failures" '
                     'max: 0 }')
    return "\n".join(lines) + "\n"


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    for peer in (False, True):
        for turn in (False, True):
            path = os.path.join(
                root, "scenarios", "%s_matrix_%s.textproto" %
                ("peer" if peer else "ice", "turn" if turn else "stun"))
            with open(path, "w") as f:
                f.write(scenario(turn, peer))
            print("wrote", os.path.relpath(path, root))


if __name__ == "__main__":
    main()
