//! `!moi confirmer <code>` — confirm the code mailed by `!moi lier`: the
//! address becomes one of the sender's verified identities. A code works
//! once, for the person who asked for it, for 24 hours.

use crate::exec::{Exec, Outcome};
use crate::membership;
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Identity, IdentityKind, MAX_CODE_ATTEMPTS, Membership};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!moi confirmer <code>",
    en: "!me confirm <code>",
    help_fr: "confirmer le code reçu par courriel",
    help_en: "confirm the code received by email",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmer {
    pub code: String,
}

impl Confirmer {
    pub fn parse(args: &mut Args) -> Result<Confirmer, ParseErrorKind> {
        let code = args.required(Arg::Code)?.text;
        args.end()?;
        Ok(Confirmer { code })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let prefix = ex.prefix().to_string();
        let invalid = tr!(
            lang,
            "Ce code n'est pas valable (inconnu, déjà utilisé ou expiré). Demandez-en un autre : {prefix}moi lier <adresse>",
            "This code is not valid (unknown, used or expired). Ask for another: {prefix}me link <email>"
        );
        let Some(person) = ex.me()? else {
            return ex.refuse(invalid);
        };
        // Five wrong codes a day, whatever the code: beyond, none is
        // checked, not even a right one.
        let day_ago = ex.ctx.now - jiff::SignedDuration::from_hours(24);
        if ex.store.code_guesses(person.id, day_ago)? >= MAX_CODE_ATTEMPTS {
            return ex.refuse(tr!(
                lang,
                "Trop de codes erronés ces dernières 24 heures : aucun code n'est vérifié avant demain. Demandez-en alors un autre : {prefix}moi lier <adresse>",
                "Too many wrong codes in the last 24 hours: no code is checked before tomorrow. Then ask for another: {prefix}me link <email>"
            ));
        }
        let code: String = self.code.chars().filter(|c| !c.is_whitespace()).collect();
        let Some(email) = ex.store.use_email_code(person.id, &code)? else {
            // The wrong attempt is counted (and so kept, unlike a refusal),
            // so that a code cannot be guessed by trying them all.
            return match ex.store.wrong_email_code(person.id, day_ago)? {
                false => Ok(invalid),
                true => Ok(format!(
                    "{invalid} {}",
                    tr!(
                        lang,
                        "Trop d'essais : les codes en cours sont annulés, et aucun code n'est vérifié avant demain.",
                        "Too many attempts: the pending codes are cancelled, and no code is checked before tomorrow."
                    )
                )),
            };
        };
        let identity = Identity {
            kind: IdentityKind::Email,
            value: email.clone(),
        };
        let before = crate::lists::standing(ex, person.id)?;
        if !ex.store.add_identity(person.id, &identity)? {
            return ex.refuse(tr!(
                lang,
                "L'adresse {} a été liée à quelqu'un d'autre entre-temps.",
                "The address {} was linked to someone else meanwhile.",
                email
            ));
        }
        let mut reply = tr!(
            lang,
            "C'est fait : {} est liée à votre compte. Vous pouvez désormais envoyer vos commandes par courriel.",
            "Done: {} is linked to you. You can now send commands by email.",
            email
        );
        // An address in one of the organisation's domains confirms a
        // pending membership.
        if let Some(org) = person.organisation
            && person.membership == Membership::Pending
            && let Some(domain) = membership::confirming_domain(ex, &[identity], org)?
        {
            ex.store
                .decide_membership(person.id, Membership::Confirmed, None)?;
            let org = ex.store.organisation(org)?.name;
            reply.push_str(&tr!(
                lang,
                " Votre appartenance à {org} est confirmée : l'adresse est du domaine {domain}.",
                " Your membership of {org} is confirmed: the address is in its domain {domain}."
            ));
        }
        // The address on the lists of their groups; and, if they speak for
        // an organisation that leads groups, among those lists' owners.
        let subscriptions = crate::lists::address_verified(ex, person.id, &email)?;
        ex.actions.extend(subscriptions);
        let now = crate::lists::standing(ex, person.id)?;
        let owners = crate::lists::standing_changed(ex, &before, &now)?;
        ex.actions.extend(owners);
        Ok(reply)
    }
}
