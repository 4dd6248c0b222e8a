//! `!organisation accepter <personne>` and `!organisation refuser
//! <personne>` — decide a pending membership: admins, or confirmed members
//! of the organisation the person declared. Revoking a confirmed member, and
//! confirming someone who was refused, are for admins. The person is told where they asked (the room), or by mail.

use crate::action::Action;
use crate::exec::{Exec, Outcome};
use crate::membership;
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{IdentityKind, Membership};
use crate::tr;

pub const USAGE_ACCEPTER: Usage = Usage {
    fr: "!organisation accepter <personne>",
    en: "!org accept <person>",
    help_fr: "confirmer qu'une personne est membre de votre organisation (Matrix ID, adresse ou nom)",
    help_en: "confirm that someone is a member of your organisation (Matrix ID, address or name)",
};

pub const USAGE_REFUSER: Usage = Usage {
    fr: "!organisation refuser <personne>",
    en: "!org refuse <person>",
    help_fr: "refuser une demande d'appartenance à votre organisation",
    help_en: "refuse a request to be a member of your organisation",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decider {
    /// Confirmed (accept) or Refused.
    pub decision: Membership,
    pub person: String,
}

impl Decider {
    pub fn parse(decision: Membership, args: &mut Args) -> Result<Decider, ParseErrorKind> {
        Ok(Decider {
            decision,
            person: args.rest(Arg::Person)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let admin = ex.is_admin();
        let me = ex.me()?;
        let my_org = me
            .as_ref()
            .filter(|p| p.confirmed())
            .and_then(|p| p.organisation);
        if !admin && my_org.is_none() {
            return ex.refuse_not_allowed(&tr!(
                lang,
                "aux administrateurs et aux membres confirmés de l'organisation",
                "admins and the organisation's confirmed members"
            ));
        }
        let target = membership::find_person(ex, &self.person)?;
        let Some(org_id) = target.organisation else {
            return ex.refuse(tr!(
                lang,
                "{} n'a déclaré aucune organisation.",
                "{} has not given an organisation.",
                target.name
            ));
        };
        let org = ex.store.organisation(org_id)?;
        let (name, org_name) = (target.name.clone(), org.name.clone());
        let de_org = crate::words::de(&org_name);
        let de_name = crate::words::de(&name);
        if !admin && my_org != Some(org_id) {
            return ex.refuse_not_allowed(&tr!(
                lang,
                "aux administrateurs et aux membres confirmés {de_org}",
                "admins and confirmed members of {org_name}"
            ));
        }
        match (self.decision, target.membership) {
            (Membership::Confirmed, Membership::Confirmed) => {
                return ex.refuse(tr!(
                    lang,
                    "L'appartenance {de_name} à {org_name} est déjà confirmée.",
                    "{name} is a confirmed member of {org_name} already."
                ));
            }
            (Membership::Refused, Membership::Refused) => {
                return ex.refuse(tr!(
                    lang,
                    "La demande {de_name} pour {org_name} est déjà refusée.",
                    "{name}'s request for {org_name} is refused already."
                ));
            }
            // A refusal is undone by an admin only, whoever made it: a
            // confirmed member overturned an admin's refusal (issue 34,
            // case 7).
            (Membership::Confirmed, Membership::Refused) if !admin => {
                return ex.refuse_not_allowed(&tr!(
                    lang,
                    "aux administrateurs de revenir sur un refus",
                    "admins to overturn a refusal"
                ));
            }
            (Membership::Refused, Membership::Confirmed) if !admin => {
                return ex.refuse_not_allowed(&tr!(
                    lang,
                    "aux administrateurs de retirer un membre confirmé",
                    "admins to remove a confirmed member"
                ));
            }
            _ => {}
        }
        membership::decide(ex, target.id, self.decision, me.as_ref().map(|p| p.id))?;
        let (reply, told) = match self.decision {
            Membership::Confirmed => (
                tr!(
                    lang,
                    "C'est noté : l'appartenance {de_name} à {org_name} est confirmée.",
                    "Noted: {name} is a confirmed member of {org_name}."
                ),
                tr!(
                    lang,
                    "votre appartenance à {org_name} est confirmée : vous pouvez désormais agir en son nom.",
                    "your membership of {org_name} is confirmed: you may now act in its name."
                ),
            ),
            _ => (
                tr!(
                    lang,
                    "C'est noté : la demande {de_name} pour {org_name} est refusée.",
                    "Noted: {name}'s request for {org_name} is refused."
                ),
                tr!(
                    lang,
                    "votre demande d'appartenance à {org_name} est refusée ; voyez avec un administrateur.",
                    "your request to be a member of {org_name} is refused; see an admin."
                ),
            ),
        };
        // The person hears it where they asked: in that room, unless it is
        // this one; by mail if they asked elsewhere than in a room.
        let identities = membership::verified(ex, &target)?;
        let mention = identities
            .iter()
            .find(|i| i.kind == IdentityKind::Matrix)
            .map_or(name.clone(), |i| i.value.clone());
        match ex.store.membership_room(target.id)? {
            Some(room) if Some(room.as_str()) != ex.req.origin.room() => {
                ex.actions.push(Action::PostToRoom {
                    room,
                    text: tr!(lang, "{mention} : {told}", "{mention}: {told}"),
                    meeting: None,
                    html: None,
                });
            }
            Some(_) => {}
            None => {
                for i in identities.iter().filter(|i| i.kind == IdentityKind::Email) {
                    ex.actions.push(Action::SendMail {
                        to: i.value.clone(),
                        subject: tr!(
                            lang,
                            "[greffier] Votre appartenance à {org_name}",
                            "[greffier] Your membership of {org_name}"
                        ),
                        text: format!("{name}, {told}"),
                    });
                }
            }
        }
        Ok(reply)
    }
}
