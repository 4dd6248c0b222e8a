"""A Matrix user, for scripts/test-container: logs in to the homeserver,
makes a room inviting the bot, waits for the bot to join and greet it,
types a command and waits for the bot's answer to it. Exit status 0 when
the bot answered, 1 otherwise (what was seen on standard error).

    python3 matrix_ask.py HOMESERVER USER PASSWORD BOT COMMAND
"""

import json
import sys
import time
import urllib.request


def call(base, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


def main() -> int:
    base, user, password, bot, command = sys.argv[1:6]
    base = base.rstrip("/")
    login = call(base, "POST", "/_matrix/client/v3/login", body={
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": user},
        "password": password,
    })
    token = login["access_token"]
    room = call(base, "POST", "/_matrix/client/v3/createRoom", token,
                {"preset": "private_chat", "invite": [bot]})["room_id"]
    path = "/_matrix/client/v3/rooms/" + urllib.request.quote(room)

    def bot_said(after=0):
        events = call(base, "GET", path + "/messages?dir=b&limit=50", token)["chunk"]
        return [e for e in events
                if e.get("sender") == bot and e.get("type") == "m.room.message"
                and e.get("origin_server_ts", 0) >= after]

    deadline = time.time() + 90
    while time.time() < deadline and not bot_said():
        time.sleep(0.5)
    if not bot_said():
        print("the bot did not join and greet the room", file=sys.stderr)
        return 1
    sent = int(time.time() * 1000)
    call(base, "PUT", path + "/send/m.room.message/ask%d" % sent, token,
         {"msgtype": "m.text", "body": command})
    while time.time() < deadline:
        for e in bot_said(sent):
            body = e.get("content", {}).get("body", "")
            if command.split()[0] in body or "!groupe" in body:
                print(body.splitlines()[0])
                return 0
        time.sleep(0.5)
    print("no answer to %r: %s" % (command, bot_said()), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
