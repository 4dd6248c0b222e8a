"""Verifies the DKIM signature of a mail with dkimpy, another implementation
than greffier's (mail-auth): the mail on standard input, the DNS server that
publishes the keys as HOST:PORT. Exit status 0 when the signature verifies,
1 when it does not (dkimpy's log says why on standard error).

    python verify.py 127.0.0.1:5300 < mail.eml
"""

import logging
import sys

import dkim
import dns.resolver


def main() -> int:
    host, port = sys.argv[1].rsplit(":", 1)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = int(port)

    def txt(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        answer = resolver.resolve(name.rstrip("."), "TXT", lifetime=timeout)
        return b"".join(b"".join(r.strings) for r in answer)

    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    message = sys.stdin.buffer.read()
    ok = dkim.verify(message, logger=logging.getLogger("dkim"), dnsfunc=txt)
    print("pass" if ok else "fail")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
