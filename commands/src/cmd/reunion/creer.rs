//! `!reunion creer "<titre>" <AAAA-MM-JJ> <HH:MM> [lieu "<lieu>"] [groupe <groupe>]`
//! — create a meeting and send the invitations (admins or a group's lead);
//! without `groupe`, every known person is invited.

use crate::exec::{Exec, Outcome};
use crate::meeting::{Invitee, NewMeeting, RsvpStatus};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::store::Group;
use crate::tr;
use jiff::civil::{Date, Time};

pub const USAGE: Usage = Usage {
    fr: "!reunion creer \"<titre>\" <AAAA-MM-JJ> <HH:MM> [lieu \"<lieu>\"] [groupe <groupe>]",
    en: "!meeting create \"<title>\" <YYYY-MM-DD> <HH:MM> [place \"<place>\"] [group <group>]",
    help_fr: "créer une réunion et envoyer les invitations",
    help_en: "create a meeting and send the invitations",
};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "lieu",
        keywords: &["lieu", "place"],
        arity: Arity::Rest,
    },
    OptSpec {
        name: "groupe",
        keywords: &["groupe", "group"],
        arity: Arity::Rest,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creer {
    pub title: String,
    pub date: Date,
    pub time: Time,
    pub place: Option<String>,
    pub group: Option<String>,
}

impl Creer {
    pub fn parse(args: &mut Args) -> Result<Creer, ParseErrorKind> {
        let split = args.split(OPTIONS);
        let pos = &split.positional;
        // The title is everything before the last two positional tokens.
        let (title, when) = match pos.len() {
            0 => return Err(ParseErrorKind::Missing(Arg::Title)),
            1 => return Err(ParseErrorKind::Missing(Arg::Date)),
            2 => return Err(ParseErrorKind::Missing(Arg::Time)),
            n => pos.split_at(n - 2),
        };
        let title = parse::bounded(parse::join(title), Arg::Title)?;
        let date = parse::date(&when[0].text)?;
        let time = parse::time(&when[1].text)?;
        let place = split
            .get("lieu")
            .map(|s| parse::bounded(s, Arg::Place))
            .transpose()?;
        let group = split
            .get("groupe")
            .map(|s| parse::bounded(s, Arg::Group))
            .transpose()?;
        Ok(Creer {
            title,
            date,
            time,
            place,
            group,
        })
    }
}

impl Creer {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let group = match &self.group {
            Some(name) => Some(ex.find_group(name)?),
            None => None,
        };
        if !crate::cmd::reunion::may_organise(ex, group.as_ref())? {
            return ex.refuse_not_allowed(&tr!(
                lang,
                "aux administrateurs et, pour une réunion de groupe, au chef de projet",
                "admins and, for a group's meeting, its lead"
            ));
        }
        self.create(ex, group)
    }

    /// Creates the meeting and sends the invitations, whoever asks (the
    /// caller checked): a poll closed by the clock comes here too.
    pub(crate) fn create(self, ex: &mut Exec<'_>, group: Option<Group>) -> Outcome {
        let lang = ex.lang();
        let starts_at = match self
            .date
            .to_datetime(self.time)
            .to_zoned(ex.ctx.timezone.clone())
        {
            Ok(z) => z.timestamp(),
            Err(_) => {
                return ex.refuse(tr!(
                    lang,
                    "Cette date n'existe pas dans le fuseau horaire du greffier.",
                    "This date does not exist in the bot's time zone."
                ));
            }
        };
        if starts_at < ex.ctx.now {
            return ex.refuse(tr!(
                lang,
                "Cette date est passée : une réunion se crée à l'avance.",
                "This date is past: meetings are created ahead."
            ));
        }
        let me = ex.me()?;
        let organiser = match (&group, &me) {
            (Some(g), _) if g.lead.is_some() => g.lead,
            (_, Some(p)) => p.organisation,
            _ => None,
        };
        let id = ex.store.create_meeting(&NewMeeting {
            title: self.title.clone(),
            starts_at,
            ends_at: None,
            timezone: ex.ctx.timezone.iana_name().unwrap_or("UTC").to_string(),
            place: self.place.clone(),
            group: group.as_ref().map(|g| g.id),
            organiser,
            time_given: true,
        })?;
        let people = match &group {
            Some(g) => ex.store.member_people(g.id)?,
            None => ex.store.people()?,
        };
        let invitees: Vec<Invitee> = people
            .into_iter()
            .map(|person| Invitee {
                person,
                email: None,
                message_id: None,
                status: RsvpStatus::NoAnswer,
                reason: None,
                reminded: false,
            })
            .collect();
        let meeting = super::find_meeting(ex, id.0)?;
        let mailed = super::send_invitations(ex, &meeting, &invitees, "REQUEST", None)?;
        let described = super::describe(ex, &meeting);
        let p = ex.prefix().to_string();
        let answer = tr!(
            lang,
            "Réunion {described}. Répondez {p}present {} ou {p}excuse {} \"motif\".",
            "Meeting {described}. Answer {p}yes {} or {p}no {} \"reason\".",
            id.0,
            id.0
        );
        super::announce(ex, &meeting, answer)?;
        let people: Vec<_> = invitees.iter().map(|i| i.person.clone()).collect();
        let unreachable = super::unreachable(ex, &people)?;
        let invited = crate::words::count(
            lang,
            invitees.len(),
            ("invité", "invités"),
            ("invitee", "invitees"),
        );
        let sent = crate::words::count_or_none(
            lang,
            mailed,
            "aucune",
            ("invitation envoyée", "invitations envoyées"),
            ("invitation sent", "invitations sent"),
        );
        Ok(tr!(
            lang,
            "Réunion {described} créée : {invited}, {sent} par courriel.{unreachable}",
            "Meeting {described} created: {invited}, {sent} by email.{unreachable}"
        ))
    }
}
