//! `!moi lier <email>` — link an email address: a six-digit code valid for
//! a day is mailed to it, and `!moi confirmer <code>` typed by the same
//! person links it. The code is never shown where the command was typed:
//! receiving it proves the address is theirs.

use crate::action::Action;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Identity, IdentityKind, MAX_CODE_MAILS_BY_PERSON, MAX_CODE_MAILS_TO_ADDRESS};
use crate::{text, tr};

pub const USAGE: Usage = Usage {
    fr: "!moi lier <email>",
    en: "!me link <email>",
    help_fr: "lier une adresse email : un code y est envoyé",
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
                "Cette commande se tape dans un salon Matrix (ou la console), pas par email.",
                "Type this command in a Matrix room (or the console), not by email."
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
        if let Some(owner) = ex.store.person_by_identity(&identity)? {
            return ex.refuse(if owner.id == person.id {
                tr!(
                    lang,
                    "L'adresse {} est déjà liée à votre compte.",
                    "The address {} is already linked to you.",
                    self.email
                )
            } else {
                tr!(
                    lang,
                    "L'adresse {} est déjà liée à quelqu'un d'autre.",
                    "The address {} is already linked to someone else.",
                    self.email
                )
            });
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
        let expires = ex
            .ctx
            .now
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap_or(ex.ctx.now);
        let code = ex
            .store
            .create_email_code(person.id, &self.email, expires)?;
        ex.actions.push(Action::SendMail {
            to: self.email.clone(),
            subject: tr!(lang, "Votre code greffier", "Your greffier code"),
            text: tr!(
                lang,
                "Bonjour,\n\n{} demande à lier cette adresse à son compte greffier.\nPour confirmer, tapez dans un salon Matrix où se trouve greffier :\n\n    {prefix}moi confirmer {code}\n\nCe code est valable 24 heures. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
                "Hello,\n\n{} asks to link this address to their greffier account.\nTo confirm, type in a Matrix room where greffier is:\n\n    {prefix}me confirm {code}\n\nThe code is valid for 24 hours. If you did not ask for it, ignore this message.",
                person.name
            ),
        });
        Ok(tr!(
            lang,
            "Un code vient d'être envoyé à {} ; tapez {prefix}moi confirmer <code> ici pour lier l'adresse (valable 24 heures ; il remplace le précédent).",
            "A code was just sent to {}; type {prefix}me confirm <code> here to link the address (valid for 24 hours; it replaces the previous one).",
            self.email
        ))
    }
}
