//! `!personne adresse <personne> <email>` and `!personne matrix <personne>
//! <@id:serveur>` — declare how to reach someone (admins, and the confirmed
//! members of their organisation). A declared identity may be written to
//! (invitations, polls, digests) at once; commands are obeyed from it only
//! once its holder proved it: by answering the welcome mail for an
//! address, by speaking for a Matrix ID (the homeserver vouches).

use crate::action::Action;
use crate::exec::{Exec, Outcome};
use crate::membership::find_person;
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Declared, Identity, IdentityKind};
use crate::{text, tr};

pub const USAGE_ADRESSE: Usage = Usage {
    fr: "!personne adresse <personne> <adresse>",
    en: "!person address <person> <email>",
    help_fr: "donner l'adresse d'une personne, pour que le greffier puisse lui écrire",
    help_en: "give someone's address, so that greffier can write to them",
};

pub const USAGE_MATRIX: Usage = Usage {
    fr: "!personne matrix <personne> <@id:serveur>",
    en: "!person matrix <person> <@id:server>",
    help_fr: "donner l'identifiant Matrix d'une personne",
    help_en: "give someone's Matrix ID",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declarer {
    pub person: String,
    pub identity: Identity,
}

impl Declarer {
    pub fn parse(kind: IdentityKind, args: &mut Args) -> Result<Declarer, ParseErrorKind> {
        let (what, bad): (Arg, fn(String) -> ParseErrorKind) = match kind {
            IdentityKind::Email => (Arg::Email, ParseErrorKind::BadEmail),
            IdentityKind::Matrix => (Arg::MatrixId, ParseErrorKind::BadMatrixId),
        };
        let last = args.last(what)?;
        let identity = Identity::parse(&last.text)
            .filter(|i| i.kind == kind)
            .ok_or_else(|| bad(text::excerpt(&last.text, 60)))?;
        let person = args.rest(Arg::Person)?;
        Ok(Declarer { person, identity })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let target = find_person(ex, &self.person)?;
        let me = ex.me()?;
        if me.as_ref().is_some_and(|m| m.id == target.id) && !ex.is_admin() {
            return ex.refuse(match self.identity.kind {
                IdentityKind::Email => tr!(
                    lang,
                    "Pour votre propre adresse, tapez {}moi lier <adresse> : un code vous y est envoyé.",
                    "For your own address, type {}me link <email>: a code is sent to it.",
                    ex.prefix()
                ),
                IdentityKind::Matrix => tr!(
                    lang,
                    "Votre identifiant Matrix est celui depuis lequel vous écrivez au greffier.",
                    "Your Matrix ID is the one you write to greffier from."
                ),
            });
        }
        if !super::may_tend(ex, &target)? {
            return super::not_allowed(ex, &target);
        }
        let by = match me {
            Some(p) => p.name,
            None => ex.new_person_name(),
        };
        let (name, value) = (target.name.clone(), self.identity.value.clone());
        let de_name = crate::words::de(&name);
        match ex.store.declare_identity(target.id, &self.identity, &by)? {
            Declared::Taken => ex.refuse(tr!(
                lang,
                "« {value} » est déjà l'identité d'une autre personne : rien n'a changé.",
                "“{value}” is someone else's identity already: nothing changed."
            )),
            Declared::Already { verified: true } => Ok(tr!(
                lang,
                "« {value} » est déjà une identité vérifiée {de_name}.",
                "“{value}” is a verified identity of {name} already."
            )),
            Declared::Already { verified: false } => Ok(tr!(
                lang,
                "« {value} » est déjà déclarée pour {name}, en attente de vérification.",
                "“{value}” is declared for {name} already, waiting to be verified."
            )),
            Declared::Added => match self.identity.kind {
                IdentityKind::Email => {
                    let sent = welcome(ex, &target, &value, &by)?;
                    let how = match sent {
                        true => tr!(
                            lang,
                            "elle sera vérifiée quand {name} répondra au message de bienvenue qui vient de lui être envoyé",
                            "it is verified when {name} answers the welcome mail just sent to it"
                        ),
                        false => tr!(
                            lang,
                            "le courrier n'est pas configuré : aucun message de bienvenue n'est parti",
                            "mail is not configured: no welcome mail went out"
                        ),
                    };
                    Ok(tr!(
                        lang,
                        "Adresse {value} déclarée pour {name} : le greffier lui écrira désormais (invitations, sondages, lettre des groupes) ; {how}. Les commandes envoyées depuis cette adresse ne seront suivies qu'ensuite.",
                        "Address {value} declared for {name}: greffier writes to it from now on (invitations, polls, group letters); {how}. Commands sent from it are obeyed only then."
                    ))
                }
                IdentityKind::Matrix => Ok(tr!(
                    lang,
                    "Identifiant Matrix {value} déclaré pour {name} : il sera vérifié dès que ce compte écrira au greffier.",
                    "Matrix ID {value} declared for {name}: it is verified as soon as that account writes to greffier."
                )),
            },
        }
    }
}

/// The welcome mail to a declared address: who declared it, what greffier
/// will send, and that a reply verifies it (its unguessable Message-ID is
/// remembered). False when mail is not configured.
fn welcome(
    ex: &mut Exec<'_>,
    person: &crate::store::Person,
    address: &str,
    by: &str,
) -> Result<bool, crate::exec::Failure> {
    let Some(domain) = ex.ctx.mail_domain().map(str::to_string) else {
        return Ok(false);
    };
    let lang = ex.lang();
    let message_id = format!("welcome.{}@{domain}", ex.store.random_token()?);
    ex.store
        .record_welcome_mail(&message_id, person.id, address)?;
    let org = ex
        .org_name(person.organisation)?
        .map(|o| format!(" ({o})"))
        .unwrap_or_default();
    let text = tr!(
        lang,
        "Bonjour {},\n\n{by} a indiqué au greffier du réseau que {address} est votre adresse{org}. Le greffier vous y enverra les invitations aux réunions de vos groupes, les sondages de dates et leur lettre hebdomadaire.\n\nPour confirmer que cette adresse est bien la vôtre, et pouvoir ensuite écrire au greffier depuis celle-ci (par exemple « Je serai présent » en réponse à une invitation), répondez simplement à ce message.\n\nSi ce n'est pas votre adresse, ignorez ce message : le greffier ne suivra aucune commande qui en viendrait.\n\n— greffier",
        "Hello {},\n\n{by} told the network's greffier that {address} is your address{org}. greffier will send you there the invitations to your groups' meetings, date polls and their weekly letter.\n\nTo confirm that this address is yours, and then be able to write to greffier from it (for instance “I will attend” in reply to an invitation), simply reply to this message.\n\nIf it is not your address, ignore this message: greffier will follow no command that comes from it.\n\n— greffier",
        person.name
    );
    ex.actions.push(Action::AskByMail {
        to: address.to_string(),
        name: person.name.clone(),
        subject: tr!(
            lang,
            "Bienvenue dans le réseau : votre adresse",
            "Welcome to the network: your address"
        ),
        text,
        message_id,
    });
    Ok(true)
}
