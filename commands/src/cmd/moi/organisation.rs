//! `!moi organisation <organisation> [nouvelle]` — set your organisation:
//! the first time, or at any time for an admin. An organisation nobody has
//! named yet is created, unless its name is close to an existing one: then
//! the bot suggests that one, and `nouvelle` (`new`) confirms that it really
//! is another organisation.

use crate::exec::{Exec, Outcome, did_you_mean, org_suggestions};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::request::Origin;
use crate::store::IdentityKind;
use crate::text;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!moi organisation <organisation> [nouvelle]",
    en: "!me organisation <organisation> [new]",
    help_fr: "indiquer votre organisation (la première fois, ou par un administrateur)",
    help_en: "set your organisation (the first time, or by an admin)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    /// `nouvelle`: create it even if its name is close to an existing one.
    pub new: bool,
}

impl Organisation {
    pub fn parse(args: &mut Args) -> Result<Organisation, ParseErrorKind> {
        let mut rest: Vec<text::Token> = Vec::new();
        while let Some(t) = args.next_token() {
            rest.push(t);
        }
        let new = matches!(
            rest.last(),
            Some(t) if !t.quoted && rest.len() > 1 && matches!(text::keyword(&t.text).as_str(), "nouvelle" | "new")
        );
        if new {
            rest.pop();
        }
        let name = parse::bounded(parse::join(&rest), Arg::Organisation)?;
        if name.chars().count() > 100 {
            return Err(ParseErrorKind::TooLongArg(Arg::Organisation));
        }
        Ok(Organisation { name, new })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let me = ex.me()?;
        if me.is_none()
            && ex.req.sender.kind == IdentityKind::Email
            && matches!(ex.req.origin, Origin::Email { .. })
        {
            // An unverified From: header proves nothing.
            let p = ex.prefix();
            return ex.refuse(tr!(
                lang,
                "Je ne connais pas encore cette adresse : liez-la d'abord depuis un salon Matrix avec {p}moi lier <email>.",
                "I do not know this address yet: link it first from a Matrix room with {p}me link <email>."
            ));
        }
        if let Some(p) = &me
            && let Some(current) = p.organisation
            && !ex.is_admin()
        {
            let current = ex.store.organisation(current)?.name;
            return ex.refuse(tr!(
                lang,
                "Votre organisation est déjà {current} ; seul un administrateur peut la changer.",
                "Your organisation is {current} already; only an admin can change it."
            ));
        }
        let key = text::name_key(&self.name);
        let (org, created) = match ex.store.organisation_by_key(&key)? {
            Some(org) => (org, false),
            None => {
                let suggestions = org_suggestions(&ex.store.organisations()?, &self.name);
                if !suggestions.is_empty() && !self.new {
                    let name = &self.name;
                    let p = ex.prefix();
                    let mut msg = tr!(
                        lang,
                        "Organisation inconnue « {name} »",
                        "Unknown organisation “{name}”"
                    );
                    msg.push_str(&did_you_mean(lang, &suggestions));
                    msg.push_str(&tr!(
                        lang,
                        " S'il s'agit bien d'une autre organisation : {p}moi organisation {name} nouvelle",
                        " If it really is another organisation: {p}me organisation {name} new"
                    ));
                    return ex.refuse(msg);
                }
                let id = ex.store.create_organisation(&self.name, None)?;
                (ex.store.organisation(id)?, true)
            }
        };
        let name = match me {
            Some(p) => {
                ex.store.set_person_organisation(p.id, org.id)?;
                p.name
            }
            None => {
                let name = ex.new_person_name();
                ex.store
                    .create_person(&name, Some(org.id), &ex.req.sender)?;
                name
            }
        };
        let mut reply = tr!(
            lang,
            "C'est noté, {name} : votre organisation est {}.",
            "Noted, {name}: your organisation is {}.",
            org.name
        );
        if created {
            reply.push_str(&tr!(
                lang,
                " (nouvelle organisation enregistrée)",
                " (new organisation recorded)"
            ));
        }
        Ok(reply)
    }
}
