//! What the bot says that belongs to no single command: its greeting, its
//! apology, and the answers the channels need when what arrived is not a
//! command (an unknown mail sender, a mail without a command, an answer to
//! someone else's invitation, an answer it cannot read). Adapters name a
//! [`Notice`]; the sentence, in both languages, is here beside the
//! commands' own.

use crate::lang::Lang;
use crate::meeting::Meeting;
use crate::tr;

/// A sentence of the bot's, not a command's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// On arriving in a room: how to ask for help.
    Welcome,
    /// The bot itself failed (a storage error): logged, and this is said.
    Apology,
    /// A mail from an address linked to no one.
    UnknownSender { address: String },
    /// A mail from a known sender with no command and no answer in it.
    NoCommand,
    /// A console line that is not a command.
    NotACommand,
    /// An answer to an invitation sent to someone else.
    NotYourInvitation { meeting: i64, title: String },
    /// An answer to a cancelled meeting.
    MeetingCancelled { meeting: i64, title: String },
    /// An answer the bot could not classify.
    UnclearAnswer { meeting: i64, title: String },
    /// A reply to a poll mail sent to someone else.
    NotYourPoll { poll: i64, title: String },
    /// A declared address proved by its holder's reply: it is verified.
    AddressVerified { address: String },
    /// A reply to a draft compte rendu's mail with no text of its own.
    EmptyRemark { meeting: i64, title: String },
    /// A reply to a poll mail that names no date the bot can read: the
    /// dates again, and how to answer.
    UnclearPollAnswer {
        poll: i64,
        title: String,
        dates: String,
    },
    /// A mail sender went over the commands they may send in an hour.
    TooManyCommands { per_hour: usize },
    /// A mail whose sender is not proven asked for changes: they wait for
    /// a reply to this mail, from the same address, within `hours`.
    ConfirmationNeeded { held: Vec<String>, hours: i64 },
    /// A confirmation of changes already applied.
    AlreadyConfirmed,
    /// A confirmation that came too late.
    ConfirmationExpired { hours: i64 },
    /// A console line over `max` bytes.
    LineTooLong { max: usize },
    /// A console line that is not UTF-8.
    NotUtf8,
    /// A command from a Matrix user whose homeserver is not on
    /// `matrix.allowed_servers` (once per room and day).
    ForeignServer { server: String },
}

impl Notice {
    pub fn not_your_invitation(m: &Meeting) -> Notice {
        Notice::NotYourInvitation {
            meeting: m.id.0,
            title: m.title.clone(),
        }
    }

    pub fn meeting_cancelled(m: &Meeting) -> Notice {
        Notice::MeetingCancelled {
            meeting: m.id.0,
            title: m.title.clone(),
        }
    }

    pub fn unclear_answer(m: &Meeting) -> Notice {
        Notice::UnclearAnswer {
            meeting: m.id.0,
            title: m.title.clone(),
        }
    }

    /// The sentence, with the configured command prefix.
    pub fn text(&self, lang: Lang, prefix: &str) -> String {
        match self {
            Notice::Welcome => tr!(
                lang,
                "Bonjour, je suis greffier, le greffier des groupes de travail. Tapez {prefix}aide pour la liste des commandes.",
                "Hello, I am greffier, the clerk of the working groups. Type {prefix}help for the list of commands."
            ),
            Notice::Apology => tr!(
                lang,
                "Désolé, une erreur interne m'empêche de traiter cette commande. Elle est consignée ; réessayez plus tard.",
                "Sorry, an internal error prevents me from handling this command. It has been logged; please try again later."
            ),
            Notice::UnknownSender { address } => tr!(
                lang,
                "Bonjour,\n\nJe suis greffier, le greffier des groupes de travail du réseau. Je ne connais pas encore l'adresse {address} : je n'applique les commandes reçues par courriel que depuis une adresse que je connais.\n\nPour rejoindre le réseau par courriel, écrivez-moi depuis cette adresse la ligne :\n{prefix}moi nom « Prénom NOM » organisation <votre organisation>\npuis répondez au message de confirmation que je vous enverrai.\n\nSi vous avez déjà un compte auprès du greffier, tapez-y {prefix}moi lier {address} pour lui lier cette adresse.\n\n(Ce message n'est envoyé qu'une fois par heure au plus.)",
                "Hello,\n\nI am greffier, the clerk of the network's working groups. I do not know the address {address} yet: I only apply commands sent by email from an address I know.\n\nTo join the network by mail, send me from this address the line:\n{prefix}me name “First LAST” organisation <your organisation>\nthen reply to the confirmation message I will send you.\n\nIf you already have an account with greffier, type there {prefix}me link {address} to link this address to it.\n\n(This message is sent at most once an hour.)"
            ),
            Notice::NoCommand => tr!(
                lang,
                "Je n'ai trouvé aucune commande dans votre message : écrivez-les en début de ligne, par exemple {prefix}groupe liste, ou {prefix}aide pour la liste des commandes.",
                "I found no command in your message: write them at the start of a line, for instance {prefix}group list, or {prefix}help for the list of commands."
            ),
            Notice::NotACommand => tr!(
                lang,
                "(ignoré : les commandes commencent par « {prefix} » — tapez {prefix}aide)",
                "(ignored: commands start with “{prefix}” — type {prefix}help)"
            ),
            Notice::NotYourInvitation { meeting, title } => tr!(
                lang,
                "Cette invitation (réunion n°{meeting} « {title} ») ne vous était pas adressée : votre réponse n'est pas enregistrée. Si vous figurez parmi les invités, répondez à votre propre invitation, ou écrivez {prefix}present {meeting}.",
                "This invitation (meeting #{meeting} “{title}”) was not sent to you: your answer is not recorded. If you are invited, answer your own invitation, or write {prefix}yes {meeting}."
            ),
            Notice::MeetingCancelled { meeting, title } => tr!(
                lang,
                "La réunion n°{meeting} « {title} » est annulée : votre réponse n'est pas enregistrée.",
                "Meeting #{meeting} “{title}” is cancelled: your answer is not recorded."
            ),
            Notice::UnclearAnswer { meeting, title } => tr!(
                lang,
                "Je n'ai pas compris votre réponse à la réunion n°{meeting} « {title} » : répondez simplement « présent » ou « excusé » (avec un motif si vous le souhaitez).",
                "I did not understand your answer to meeting #{meeting} “{title}”: just answer “present” or “excused” (with a reason if you like)."
            ),
            Notice::NotYourPoll { poll, title } => tr!(
                lang,
                "Ce message répond au sondage n°{poll} « {title} » envoyé à quelqu'un d'autre : votre réponse ne compte pas. Répondez au message du sondage que vous avez reçu vous-même.",
                "This message answers the poll #{poll} “{title}” sent to someone else: your answer does not count. Answer the poll mail you received yourself."
            ),
            Notice::AddressVerified { address } => tr!(
                lang,
                "Merci : votre adresse {address} est vérifiée. Vous pouvez désormais écrire au greffier depuis celle-ci, pour répondre à une invitation (« Je serai présent », « Excusé ») ou envoyer une commande ({prefix}aide les présente toutes).",
                "Thank you: your address {address} is verified. You may now write to greffier from it, to answer an invitation (“I will attend”, “Excused”) or send a command ({prefix}help lists them all)."
            ),
            Notice::EmptyRemark { meeting, title } => tr!(
                lang,
                "Votre réponse au projet de compte rendu de la réunion n°{meeting} « {title} » ne contient pas de texte à joindre : aucune remarque n'est enregistrée. Écrivez votre remarque au-dessus du message cité.",
                "Your reply to the draft minutes of meeting #{meeting} “{title}” holds no text to attach: no remark is recorded. Write your remark above the quoted message."
            ),
            Notice::UnclearPollAnswer { poll, title, dates } => tr!(
                lang,
                "Je n'ai pas compris quelles dates vous conviennent pour le sondage n°{poll} « {title} » ; rien n'a changé. Les dates proposées :\n{dates}\n\nRépondez à ce message avec leurs numéros (par exemple « 1 et 3 ») ou leurs jours (« le 15 et le 17 »), ou « aucune ».",
                "I did not understand which dates suit you in the poll #{poll} “{title}”; nothing changed. The dates offered:\n{dates}\n\nAnswer this message with their numbers (for instance “1 and 3”) or their days (“the 15th and the 17th”), or “none”."
            ),
            Notice::TooManyCommands { per_hour } => tr!(
                lang,
                "Vous avez envoyé plus de {per_hour} commandes par courriel cette dernière heure : les suivantes sont ignorées jusqu'à ce que l'heure soit passée (ce message n'est envoyé qu'une fois).",
                "You sent more than {per_hour} commands by email in the last hour: the next ones are ignored until the hour has passed (this message is sent once)."
            ),
            Notice::ConfirmationNeeded { held, hours } => {
                let list: String = held.iter().map(|h| format!("\n    {h}")).collect();
                tr!(
                    lang,
                    "Rien n'a encore été fait pour :{list}\n\nJe ne peux pas vérifier que ce message vient bien de votre adresse (il n'a pas de signature DKIM valable pour son domaine). Pour l'appliquer, répondez simplement à ce message, depuis cette adresse, dans les {hours} heures : une réponse suffit, son texte n'importe pas.\n\nSi vous n'avez rien envoyé, ne répondez pas : quelqu'un a utilisé votre adresse, et rien ne changera.",
                    "Nothing was done yet for:{list}\n\nI cannot check that this message comes from your address (it has no valid DKIM signature for its domain). To apply it, just reply to this message, from this address, within {hours} hours: any reply will do.\n\nIf you sent nothing, do not reply: someone used your address, and nothing will change."
                )
            }
            Notice::AlreadyConfirmed => tr!(
                lang,
                "C'est déjà confirmé et appliqué : cette réponse ne change rien de plus.",
                "This was already confirmed and applied: this reply changes nothing more."
            ),
            Notice::ConfirmationExpired { hours } => tr!(
                lang,
                "Cette confirmation arrive après {hours} heures : rien n'est appliqué. Renvoyez vos commandes si vous le souhaitez toujours.",
                "This confirmation came after {hours} hours: nothing is applied. Send your commands again if you still want them."
            ),
            Notice::LineTooLong { max } => tr!(
                lang,
                "Erreur : ligne trop longue (plus de {max} octets), ignorée.",
                "Error: line too long (over {max} bytes), ignored."
            ),
            Notice::ForeignServer { server } => tr!(
                lang,
                "Je ne prends pas de commandes des comptes du serveur {server} : seuls ceux des serveurs du réseau sont écoutés.",
                "I do not take commands from accounts of the server {server}: only the network's servers are listened to."
            ),
            Notice::NotUtf8 => tr!(
                lang,
                "Erreur : cette ligne n'est pas du texte UTF-8 valide.",
                "Error: this line is not valid UTF-8 text."
            ),
        }
    }
}
