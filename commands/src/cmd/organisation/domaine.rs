//! `!organisation domaine <organisation> <domaine> [retirer]` — admins
//! record a domain of an organisation: a person who declares it with a
//! verified address or a Matrix ID in that domain (or a subdomain) is
//! confirmed at once, and so are its pending requests that have one.
//! `retirer` (`remove`) removes the domain; confirmed members stay so.

use crate::exec::{Exec, Outcome};
use crate::membership;
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::store::Membership;
use crate::text;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!organisation domaine <organisation> <domaine> [retirer]",
    en: "!org domain <organisation> <domain> [remove]",
    help_fr: "les adresses et identifiants Matrix de ce domaine sont de l'organisation (administrateurs)",
    help_en: "addresses and Matrix IDs of that domain are the organisation's (admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domaine {
    pub organisation: String,
    pub domain: String,
    pub remove: bool,
}

fn is_remove(t: &text::Token) -> bool {
    !t.quoted && matches!(text::keyword(&t.text).as_str(), "retirer" | "remove")
}

impl Domaine {
    pub fn parse(args: &mut Args) -> Result<Domaine, ParseErrorKind> {
        let mut tokens = Vec::new();
        while let Some(t) = args.next_token() {
            tokens.push(t);
        }
        // `… <domaine> retirer` or `… retirer <domaine>`.
        let mut remove = false;
        if tokens.len() > 2 && tokens.last().is_some_and(is_remove) {
            tokens.pop();
            remove = true;
        }
        let Some(last) = tokens.pop() else {
            return Err(ParseErrorKind::Missing(Arg::Organisation));
        };
        if !remove && tokens.len() > 1 && tokens.last().is_some_and(is_remove) {
            tokens.pop();
            remove = true;
        }
        if tokens.is_empty() {
            return Err(ParseErrorKind::Missing(Arg::Domain));
        }
        let domain = membership::normalise_domain(&last.text)
            .ok_or_else(|| ParseErrorKind::BadDomain(text::excerpt(&last.text, 60)))?;
        let organisation = parse::bounded(parse::join(&tokens), Arg::Organisation)?;
        Ok(Domaine {
            organisation,
            domain,
            remove,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let org = ex.find_org(&self.organisation)?;
        let (domain, name) = (&self.domain, &org.name);
        if self.remove {
            if !ex.store.remove_organisation_domain(org.id, domain)? {
                return ex.refuse(tr!(
                    lang,
                    "{name} n'a pas le domaine {domain}.",
                    "{name} does not have the domain {domain}."
                ));
            }
            let de_name = crate::words::de(name);
            return Ok(tr!(
                lang,
                "Domaine {domain} retiré {de_name} (ses membres confirmés le restent).",
                "Domain {domain} removed from {name} (its confirmed members stay so)."
            ));
        }
        if let Some(other) = ex.store.add_organisation_domain(org.id, domain)? {
            let other = ex.store.organisation(other)?.name;
            let de_other = crate::words::de(&other);
            return ex.refuse(tr!(
                lang,
                "Le domaine {domain} est déjà celui {de_other}.",
                "The domain {domain} is {other}'s already."
            ));
        }
        let by = ex.me()?.map(|p| p.id);
        let mut confirmed = 0;
        for person in ex.store.organisation_people(org.id)? {
            if person.membership != Membership::Pending {
                continue;
            }
            let identities = membership::verified(ex, &person)?;
            if membership::confirming_domain(ex, &identities, org.id)?.is_some() {
                membership::decide(ex, person.id, Membership::Confirmed, by)?;
                confirmed += 1;
            }
        }
        let mut reply = tr!(
            lang,
            "Domaine {domain} enregistré pour {name} : qui s'y déclare avec une adresse ou un identifiant Matrix de ce domaine est confirmé d'office.",
            "Domain {domain} recorded for {name}: whoever declares it with an address or a Matrix ID of that domain is confirmed at once."
        );
        if confirmed > 0 {
            reply.push_str(&tr!(
                lang,
                " Demandes en attente confirmées : {confirmed}.",
                " Pending requests confirmed: {confirmed}."
            ));
        }
        Ok(reply)
    }
}
