//! `!moi nom "<Prénom NOM>" [organisation <organisation> [nouvelle]]` — say
//! your name as it should be written, and your organisation if you like:
//! the way a member who only reads mail joins the network. From an address
//! greffier does not know, the mailbox holds the line until its sender
//! confirms it by replying (the reply proves the address); then the person
//! is made, with that address verified, and their organisation declared
//! as `!moi organisation` declares it (pending until confirmed, at once
//! for an address of one of its domains).

use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::request::Origin;
use crate::store::IdentityKind;
use crate::tr;

use super::organisation::Organisation;

pub const USAGE: Usage = Usage {
    fr: "!moi nom \"<Prénom NOM>\" [organisation <organisation>]",
    en: "!me name \"<First LAST>\" [organisation <organisation>]",
    help_fr: "dire votre nom tel qu'il s'écrit (et votre organisation) : par courriel aussi",
    help_en: "give your name as it is written (and your organisation): by mail too",
};

const OPTIONS: &[OptSpec] = &[OptSpec {
    name: "organisation",
    keywords: &["organisation", "organization", "org"],
    arity: Arity::Rest,
}];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nom {
    pub name: String,
    pub organisation: Option<Organisation>,
}

impl Nom {
    pub fn parse(args: &mut Args) -> Result<Nom, ParseErrorKind> {
        let split = args.split(OPTIONS);
        let name = parse::bounded(parse::join(&split.positional), Arg::Person)?;
        if name.chars().count() > 100 {
            return Err(ParseErrorKind::TooLongArg(Arg::Person));
        }
        let organisation = match split.options.iter().find(|(n, _)| *n == "organisation") {
            Some((_, tokens)) => Some(Organisation::parse(&mut Args::new(tokens.clone()))?),
            None => None,
        };
        Ok(Nom { name, organisation })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let name = self.name.clone();
        let said = match ex.me()? {
            Some(me) if me.name == name => tr!(
                lang,
                "Votre nom est déjà {name}.",
                "Your name is {name} already."
            ),
            Some(me) => {
                ex.store.rename_person(me.id, &name)?;
                tr!(
                    lang,
                    "C'est noté : vous vous appelez désormais {name}.",
                    "Noted: your name is now {name}."
                )
            }
            None => {
                // A newcomer: a Matrix account, or an address its holder
                // just confirmed by replying (the mailbox holds the line
                // until then; checked here again, so that no other way
                // makes a person of a mere From). At the console the
                // identity is the operator's word (`--as`), trusted.
                if ex.req.sender.kind == IdentityKind::Email
                    && matches!(ex.req.origin, Origin::Email { .. })
                    && !confirmed_by_reply(ex)?
                {
                    let p = ex.prefix();
                    return ex.refuse(tr!(
                        lang,
                        "Je ne connais pas encore cette adresse : envoyez {p}moi nom « Prénom NOM » depuis elle, puis répondez au message de confirmation.",
                        "I do not know this address yet: send {p}me name “First LAST” from it, then reply to the confirmation message."
                    ));
                }
                ex.store.create_person(&name, None, &ex.req.sender)?;
                tr!(
                    lang,
                    "Bienvenue, {name} : le greffier vous connaît désormais à l'adresse {}.",
                    "Welcome, {name}: greffier knows you at {} from now on.",
                    ex.req.sender.value
                )
            }
        };
        match self.organisation {
            Some(org) => Ok(format!("{said}\n{}", org.apply(ex)?)),
            None => Ok(said),
        }
    }
}

/// Is this mail the sender's reply to their own confirmation request, the
/// request applied now (the mailbox's way to prove an address)?
fn confirmed_by_reply(ex: &mut Exec<'_>) -> Result<bool, Failure> {
    let Origin::Email { references, .. } = &ex.req.origin else {
        return Ok(false);
    };
    let sender = ex.req.sender.value.clone();
    for reference in references.clone() {
        let id = reference
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        let Some(token) = id
            .strip_prefix("confirm.")
            .and_then(|rest| rest.split('@').next())
        else {
            continue;
        };
        if let Some(held) = ex.store.held(token)?
            && held.applied
            && held.sender.eq_ignore_ascii_case(&sender)
        {
            return Ok(true);
        }
    }
    Ok(false)
}
