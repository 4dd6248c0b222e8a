//! `!moi lier <email>` — link an email address: a six-digit code valid for
//! a day is mailed to it, and `!moi confirmer <code>` typed by the same
//! person links it. The code is never shown where the command was typed:
//! receiving it proves the address is theirs.
//!
//! An address linked to someone else gets the same answer as a free one
//! (and counts against the same limits), so that nobody learns which
//! addresses are known to the bot, and so worth forging (issue 34, case
//! 9): its owner is mailed a notice instead of a code, and nothing changes.

use crate::action::Action;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Identity, IdentityKind, MAX_CODE_MAILS_BY_PERSON, MAX_CODE_MAILS_TO_ADDRESS};
use crate::{text, tr};

pub const USAGE: Usage = Usage {
    fr: "!moi lier <adresse>",
    en: "!me link <email>",
    help_fr: "lier une adresse électronique : un code y est envoyé",
    help_en: "link an email address: a code is sent to it",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lier {
    pub email: String,
}

impl Lier {
    pub fn parse(args: &mut Args) -> Result<Lier, ParseErrorKind> {
        let t = args.required(Arg::Email)?;
        args.end()?;
        let raw = t.text.trim_start_matches("mailto:");
        match Identity::parse(raw) {
            Some(id) if id.kind == IdentityKind::Email => Ok(Lier { email: id.value }),
            _ => Err(ParseErrorKind::BadEmail(text::excerpt(&t.text, 60))),
        }
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let prefix = ex.prefix().to_string();
        if ex.req.sender.kind == IdentityKind::Email {
            return ex.refuse(tr!(
                lang,
                "Cette commande ne s'envoie pas par courriel : une adresse se fait connaître en écrivant depuis elle {}moi nom « Prénom NOM », puis en répondant au message de confirmation.",
                "This command is not sent by mail: an address makes itself known by writing from it {}me name “First LAST”, then replying to the confirmation message.",
                ex.prefix()
            ));
        }
        let identity = Identity {
            kind: IdentityKind::Email,
            value: self.email.clone(),
        };
        let person = match ex.me()? {
            Some(p) => p,
            None => {
                let name = ex.new_person_name();
                let id = ex.store.create_person(&name, None, &ex.req.sender)?;
                ex.store.person(id)?
            }
        };
        let owner = ex.store.person_by_identity(&identity)?;
        if owner.as_ref().is_some_and(|o| o.id == person.id) {
            return ex.refuse(tr!(
                lang,
                "L'adresse {} est déjà liée à votre compte.",
                "The address {} is already linked to you.",
                self.email
            ));
        }
        // A code mail to an address is the bot writing to someone who may
        // not have asked for it: five a day per address, twenty per person.
        let day_ago = ex.ctx.now - jiff::SignedDuration::from_hours(24);
        let (to_address, by_person) = ex.store.email_codes_sent(person.id, &self.email, day_ago)?;
        if to_address >= MAX_CODE_MAILS_TO_ADDRESS {
            return ex.refuse(tr!(
                lang,
                "Déjà {MAX_CODE_MAILS_TO_ADDRESS} codes envoyés à {} ces dernières 24 heures : utilisez le dernier reçu, ou réessayez demain.",
                "{MAX_CODE_MAILS_TO_ADDRESS} codes were already sent to {} in the last 24 hours: use the last one, or try again tomorrow.",
                self.email
            ));
        }
        if by_person >= MAX_CODE_MAILS_BY_PERSON {
            return ex.refuse(tr!(
                lang,
                "Vous avez déjà demandé {MAX_CODE_MAILS_BY_PERSON} codes ces dernières 24 heures : réessayez demain.",
                "You already asked for {MAX_CODE_MAILS_BY_PERSON} codes in the last 24 hours: try again tomorrow."
            ));
        }
        // For an address linked to someone else, a code born expired: it
        // counts against the limits and nobody can spend it.
        let valid_for = match owner {
            Some(_) => jiff::SignedDuration::from_secs(-1),
            None => jiff::SignedDuration::from_hours(24),
        };
        let expires = ex.ctx.now.checked_add(valid_for).unwrap_or(ex.ctx.now);
        let code = ex
            .store
            .create_email_code(person.id, &self.email, expires)?;
        let (subject, text) = match owner {
            Some(_) => (
                tr!(
                    lang,
                    "Une demande concernant votre adresse",
                    "A request about your address"
                ),
                tr!(
                    lang,
                    "Bonjour,\n\n{} a demandé à lier cette adresse à son compte greffier. Elle est déjà liée au vôtre : rien n'a changé, et aucun code n'a été envoyé.\nSi cette demande vous surprend, signalez-la à un administrateur.",
                    "Hello,\n\n{} asked to link this address to their greffier account. It is already linked to yours: nothing changed, and no code was sent.\nIf this surprises you, tell an administrator.",
                    person.name
                ),
            ),
            None => (
                tr!(lang, "Votre code greffier", "Your greffier code"),
                tr!(
                    lang,
                    "Bonjour,\n\n{} demande à lier cette adresse à son compte greffier.\nPour confirmer, tapez dans un salon Matrix où se trouve greffier :\n\n    {prefix}moi confirmer {code}\n\nCe code est valable 24 heures. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
                    "Hello,\n\n{} asks to link this address to their greffier account.\nTo confirm, type in a Matrix room where greffier is:\n\n    {prefix}me confirm {code}\n\nThe code is valid for 24 hours. If you did not ask for it, ignore this message.",
                    person.name
                ),
            ),
        };
        ex.actions.push(Action::SendMail {
            to: self.email.clone(),
            subject,
            text,
        });
        Ok(tr!(
            lang,
            "Un code vient d'être envoyé à {} ; tapez {prefix}moi confirmer <code> ici pour lier l'adresse (valable 24 heures ; il remplace le précédent).",
            "A code was just sent to {}; type {prefix}me confirm <code> here to link the address (valid for 24 hours; it replaces the previous one).",
            self.email
        ))
    }
}
