"""`!moi` as greffier answers it: who you are, your organisation, your
groups; read from a SQLite file with the benchmark's network (10 000
groups, 100 000 people, greffier's schema), answered with an m.notice in
reply. One plugin as people write them: the standard library's sqlite3 on
the event loop, one indexed query per table."""

import sqlite3

from maubot import MessageEvent, Plugin
from maubot.handlers import command
from mautrix.util.config import BaseProxyConfig, ConfigUpdateHelper


class Config(BaseProxyConfig):
    def do_update(self, helper: ConfigUpdateHelper) -> None:
        helper.copy("database")


class Moi(Plugin):
    db: sqlite3.Connection

    @classmethod
    def get_config_class(cls) -> type[BaseProxyConfig]:
        return Config

    async def start(self) -> None:
        self.config.load_and_update()
        uri = f"file:{self.config['database']}?mode=ro"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)

    async def stop(self) -> None:
        self.db.close()

    @command.new("moi")
    async def moi(self, evt: MessageEvent) -> None:
        person = self.db.execute(
            "SELECT p.id, p.name, o.name FROM identities i JOIN people p ON p.id = i.person_id"
            " LEFT JOIN organisations o ON o.id = p.organisation_id"
            " WHERE i.kind = 'matrix' AND i.value = ?",
            (evt.sender,),
        ).fetchone()
        if person is None:
            await evt.reply("Je ne vous connais pas encore : !moi organisation <organisation>")
            return
        person_id, name, organisation = person
        groups = [
            row[0]
            for row in self.db.execute(
                "SELECT g.slug FROM group_members m JOIN groups g ON g.id = m.group_id"
                " WHERE m.person_id = ? ORDER BY g.slug",
                (person_id,),
            )
        ]
        text = f"{name} — {organisation or 'sans organisation'}\n"
        text += "Groupes : " + (", ".join(groups) if groups else "aucun")
        await evt.reply(text)
