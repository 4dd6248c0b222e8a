//! `!groupe archiver <groupe>` and `!groupe reactiver <groupe>` — a group
//! whose work is over leaves `!groupe liste` and the weekly letters; its
//! room and list get a last notice, the room's name and topic say it is
//! archived, and its members without a list hear it by mail. Reactivated,
//! it is active again (proposed, if it has no lead) and its room's name
//! and topic are restored. Admins.

use crate::action::Action;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::GroupStatus;
use crate::tr;

pub const USAGE_ARCHIVER: Usage = Usage {
    fr: "!groupe archiver <groupe>",
    en: "!group archive <group>",
    help_fr: "archiver un groupe dont le travail est terminé (administrateurs)",
    help_en: "archive a group whose work is over (admins)",
};

pub const USAGE_REACTIVER: Usage = Usage {
    fr: "!groupe reactiver <groupe>",
    en: "!group reactivate <group>",
    help_fr: "rendre actif un groupe archivé (administrateurs)",
    help_en: "make an archived group active again (admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archiver {
    pub group: String,
    /// `reactiver`: the way back.
    pub back: bool,
}

impl Archiver {
    pub fn parse(back: bool, args: &mut Args) -> Result<Archiver, ParseErrorKind> {
        let group = args.required(Arg::Group)?.text;
        args.end()?;
        Ok(Archiver { group, back })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let mut g = ex.find_group(&self.group)?;
        let theme = g.theme.clone();
        let archived = g.status == GroupStatus::Archived;
        let p = ex.prefix().to_string();
        let slug = g.slug.clone();
        match (self.back, archived) {
            (false, true) => {
                return ex.refuse(tr!(
                    lang,
                    "Le groupe « {theme} » est déjà archivé.",
                    "The group “{theme}” is archived already."
                ));
            }
            (true, false) => {
                return ex.refuse(tr!(
                    lang,
                    "Le groupe « {theme} » n'est pas archivé.",
                    "The group “{theme}” is not archived."
                ));
            }
            _ => {}
        }
        let status = match self.back {
            false => GroupStatus::Archived,
            true => before_archived(ex, &g)?,
        };
        ex.store.set_group_status(g.id, status)?;
        g.status = status;
        let notice = match self.back {
            false => tr!(
                lang,
                "Le groupe « {theme} » est archivé : son travail est terminé. Il ne reçoit plus la lettre hebdomadaire ; ce salon et sa liste restent consultables. Un administrateur peut le réactiver : {p}groupe reactiver {slug}",
                "The group “{theme}” is archived: its work is over. It no longer gets the weekly letter; this room and its list stay readable. An admin can make it active again: {p}group reactivate {slug}"
            ),
            true => tr!(
                lang,
                "Le groupe « {theme} » est de nouveau actif : il reçoit de nouveau la lettre hebdomadaire.",
                "The group “{theme}” is active again: it gets the weekly letter again."
            ),
        };
        // The last notice first, then the room's new name.
        ex.post_to_group(&g, notice.clone());
        if let Some(named) = crate::rooms::name(ex, &g)? {
            ex.actions.push(named);
        }
        // Members who hear of the group by no list: by mail.
        let mut mailed = 0;
        if g.list.is_none() {
            for person in ex.store.member_people(g.id)? {
                if let Some(to) = ex.store.email_of(person.id)? {
                    ex.actions.push(Action::SendMail {
                        to,
                        subject: match self.back {
                            false => {
                                tr!(lang, "Groupe archivé : {theme}", "Group archived: {theme}")
                            }
                            true => tr!(
                                lang,
                                "Groupe de nouveau actif : {theme}",
                                "Group active again: {theme}"
                            ),
                        },
                        text: format!("{notice}\n\n— greffier"),
                    });
                    mailed += 1;
                }
            }
        }
        let told = match mailed {
            0 => String::new(),
            n => {
                let n = crate::words::count(
                    lang,
                    n,
                    ("membre prévenu", "membres prévenus"),
                    ("member told", "members told"),
                );
                tr!(lang, " {n} par courriel.", " {n} by mail.")
            }
        };
        Ok(match self.back {
            false => tr!(
                lang,
                "Groupe « {theme} » archivé : il quitte la liste des groupes et les lettres hebdomadaires ; son salon et sa liste en sont prévenus.{told}",
                "Group “{theme}” archived: it leaves the list of groups and the weekly letters; its room and list are told.{told}"
            ),
            true => tr!(
                lang,
                "Groupe « {theme} » de nouveau {} ; son salon et sa liste en sont prévenus.{told}",
                "Group “{theme}” {} again; its room and list are told.{told}",
                crate::words::group_status(lang, status)
            ),
        })
    }
}

/// What an archived group was before it was archived, as its history
/// tells: proposed or active (a group seeded archived: active if it has a
/// lead).
fn before_archived(
    ex: &mut Exec<'_>,
    g: &crate::store::Group,
) -> Result<GroupStatus, crate::exec::Failure> {
    use crate::store::GroupEventKind as K;
    let mut before = None;
    let mut current = None;
    for event in ex.store.group_events(g.id, jiff::Timestamp::UNIX_EPOCH)? {
        let status = match event.kind {
            // A group is made with a status (a seed's may be active).
            K::Created => event
                .detail
                .as_deref()
                .and_then(GroupStatus::parse)
                .unwrap_or(GroupStatus::Proposed),
            K::Proposed => GroupStatus::Proposed,
            K::Activated => GroupStatus::Active,
            K::Archived => GroupStatus::Archived,
            _ => continue,
        };
        if status == GroupStatus::Archived && current != Some(GroupStatus::Archived) {
            before = current;
        }
        current = Some(status);
    }
    Ok(before.unwrap_or(match g.lead {
        Some(_) => GroupStatus::Active,
        None => GroupStatus::Proposed,
    }))
}
