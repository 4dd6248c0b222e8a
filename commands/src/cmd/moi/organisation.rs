//! `!moi organisation <organisation> [nouvelle]` — set your organisation:
//! the first time, or at any time for an admin. An organisation nobody has
//! named yet is created, unless its name is close to an existing one: then
//! the bot suggests that one, and `nouvelle` (`new`) confirms that it really
//! is another organisation.

use crate::exec::{Exec, Outcome, did_you_mean, org_suggestions};
use crate::membership;
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::request::Origin;
use crate::store::{IdentityKind, Membership};
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
                "Je ne connais pas encore cette adresse : écrivez d'abord {p}moi nom « Prénom NOM » organisation <organisation>, puis répondez au message de confirmation.",
                "I do not know this address yet: first write {p}me name “First LAST” organisation <organisation>, then reply to the confirmation message."
            ));
        }
        let admin = ex.is_admin();
        if let Some(p) = &me
            && let Some(current) = p.organisation
            && !admin
        {
            let current = ex.store.organisation(current)?;
            let name = &current.name;
            match p.membership {
                Membership::Confirmed => {
                    return ex.refuse(tr!(
                        lang,
                        "Votre organisation est déjà {name} ; seul un administrateur peut la changer.",
                        "Your organisation is {name} already; only an admin can change it."
                    ));
                }
                Membership::Pending => {
                    let who = ex.who_can_confirm(&current)?;
                    return ex.refuse(tr!(
                        lang,
                        "Votre demande pour {name} attend confirmation ({who} peut la confirmer) ; seul un administrateur peut la changer.",
                        "Your request for {name} awaits confirmation ({who} can confirm it); only an admin can change it."
                    ));
                }
                Membership::Refused if text::name_key(&self.name) == text::name_key(name) => {
                    return ex.refuse(tr!(
                        lang,
                        "Refusé : votre appartenance à {name} a été refusée ; voyez avec un administrateur.",
                        "Refused: your membership of {name} was refused; see an admin."
                    ));
                }
                // Refused elsewhere: a new request may be made.
                Membership::Refused => {}
            }
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
        let person = match me {
            Some(p) => p,
            None => {
                let name = ex.new_person_name();
                let id = ex.store.create_person(&name, None, &ex.req.sender)?;
                ex.store.person(id)?
            }
        };
        // Confirmed at once by an admin's own word or an identity in one of
        // the organisation's domains; pending otherwise.
        let identities = membership::verified(ex, &person)?;
        let domain = membership::confirming_domain(ex, &identities, org.id)?;
        let state = match admin || domain.is_some() {
            true => Membership::Confirmed,
            false => Membership::Pending,
        };
        let room = ex.req.origin.room().map(str::to_string);
        crate::lists::following(ex, person.id, |ex| {
            ex.store
                .set_person_organisation(person.id, org.id, state, room.as_deref())
        })?;
        let (name, org_name) = (&person.name, &org.name);
        let de_org = crate::words::de(org_name);
        let mut reply = match state {
            Membership::Confirmed => tr!(
                lang,
                "C'est noté, {name} : votre organisation est {org_name}.",
                "Noted, {name}: your organisation is {org_name}."
            ),
            _ => tr!(
                lang,
                "C'est noté, {name} : vous vous déclarez membre {de_org}.",
                "Noted, {name}: you say you are a member of {org_name}."
            ),
        };
        if created {
            reply.push_str(&tr!(
                lang,
                " (nouvelle organisation enregistrée)",
                " (new organisation recorded)"
            ));
        }
        if let Some(domain) = domain {
            reply.push_str(&tr!(
                lang,
                " Confirmé : votre identité est du domaine {domain} {de_org}.",
                " Confirmed: your identity is in {org_name}'s domain {domain}."
            ));
        }
        if state == Membership::Pending {
            membership::notify_confirmers(ex, &person, &org)?;
            let who = ex.who_can_confirm(&org)?;
            let p = ex.prefix().to_string();
            let sender = ex.req.sender.value.clone();
            reply.push_str(&tr!(
                lang,
                "\nEn attendant la confirmation, vous pouvez rejoindre des groupes et répondre à vos invitations ; agir au nom {de_org} (soutenir, proposer, chef de projet) l'attend ; {who} peut la donner :\n{p}organisation accepter {sender}",
                "\nUntil it is confirmed, you may join groups and answer your invitations; acting in the name of {org_name} (support, propose, lead) waits for it; {who} can give it:\n{p}org accept {sender}"
            ));
        }
        Ok(reply)
    }
}
