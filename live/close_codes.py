"""Close codes our sockets send (documented in the README). Browsers reconnect after any code not listed as final
in live.js / doorbell.js; autobahn (under daphne) only lets a server send 1000 or 3000-4999, so 1008/1009 are out."""

from __future__ import annotations

# Final: the page stops retrying.
NOT_ALLOWED = 4403  # not (or no longer) a member, not logged in, not a manager
NOT_FOUND = 4404  # no socket at this path, or no such journey
FRAME_TOO_BIG = 4009  # a frame over WEBSOCKET_MAX_FRAME_BYTES
TOO_MANY_FRAMES = 4029  # past the per-socket budget of frames or bytes (WEBSOCKET_FRAMES_PER_10S, ..._BYTES_PER_10S)

# Not final: the page reconnects, and the new socket is checked afresh (logged out: 4403; password changed on
# this very session: accepted again).
SIGNED_OUT = 4401  # the session behind the socket ended: logout, password change, account deactivated
