//! Condo's shared reference rows: ticket statuses, sources and classifiers, with localized names.
//!
//! The six common statuses use the fixed ids Condo seeds in its migrations; `name` is
//! localized by the request locale, so clients must key on `type`.

/// A locale Condo can answer in (`en`, `ru`, `es`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    /// English.
    En,
    /// Russian, the usual default of a Condo installation.
    #[default]
    Ru,
    /// Spanish.
    Es,
}

impl Locale {
    /// Parses a language tag such as `en`, `en-US` or `ru_RU`.
    pub fn parse(tag: &str) -> Option<Self> {
        let lang = tag.trim().get(..2)?.to_ascii_lowercase();
        match lang.as_str() {
            "en" => Some(Self::En),
            "ru" => Some(Self::Ru),
            "es" => Some(Self::Es),
            _ => None,
        }
    }

    /// Picks this locale's entry from `[en, ru, es]`.
    pub fn pick(self, names: &[&'static str; 3]) -> &'static str {
        match self {
            Self::En => names[0],
            Self::Ru => names[1],
            Self::Es => names[2],
        }
    }
}

/// A reference row with a fixed id, an optional `type` and names in `[en, ru, es]`.
pub struct CatalogRow {
    /// Row id (UUID).
    pub id: &'static str,
    /// The `type` enum value, empty for rows without one.
    pub kind: &'static str,
    /// Names in English, Russian and Spanish.
    pub names: [&'static str; 3],
}

const fn row(id: &'static str, kind: &'static str, names: [&'static str; 3]) -> CatalogRow {
    CatalogRow { id, kind, names }
}

/// Index of each status in [`STATUSES`].
pub mod status {
    /// `new_or_reopened`.
    pub const OPEN: u8 = 0;
    /// `deferred`.
    pub const DEFERRED: u8 = 2;
    /// `completed`.
    pub const COMPLETED: u8 = 3;
    /// `closed`.
    pub const CLOSED: u8 = 4;
    /// `canceled` (shown as "Declined").
    pub const CANCELED: u8 = 5;
}

/// The common ticket statuses (organization `null`), with Condo's fixed ids.
pub const STATUSES: [CatalogRow; 6] = [
    row("6ef3abc4-022f-481b-90fb-8430345ebfc2", "new_or_reopened", ["Open", "Открыта", "Abierta"]),
    row("aa5ed9c2-90ca-4042-8194-d3ed23cb7919", "processing", ["In progress", "В работе", "En curso"]),
    row("c14a58e0-6b5d-4ec2-b91c-980a90509c7f", "deferred", ["Deferred", "Отложена", "Aplazada"]),
    row("5b9decd7-792c-42bb-b16d-822142fd2d69", "completed", ["Completed", "Выполнена", "Completada"]),
    row("c14a58e0-6b5d-4ec2-b91c-980a90111c7d", "closed", ["Closed", "Закрыта", "Cerrada"]),
    row("f0fa0093-8d86-4e69-ae1a-70a2914da82f", "canceled", ["Declined", "Отменена", "Rechazada"]),
];

/// Finds a status index by its `type` value.
pub fn status_by_type(kind: &str) -> Option<u8> {
    STATUSES.iter().position(|s| s.kind == kind).map(|i| i as u8)
}

/// Ticket sources; `call` carries Condo's real common id.
pub const SOURCES: [CatalogRow; 6] = [
    row("779d7bb6-b194-4d2c-a967-1f7321b2787f", "call", ["Phone call", "Звонок", "Llamada"]),
    row(
        "3068d49a-a45d-4b6b-a4c5-b1a6a4c8f0a2",
        "mobile_app_resident",
        ["Resident app", "Мобильное приложение жителя", "Aplicación del residente"],
    ),
    row("4f0f2a53-8b2a-4a0e-9d6f-1c2b3a4d5e60", "email", ["Email", "Электронная почта", "Correo"]),
    row("52d0a3a1-0c4e-4f7a-9b1d-2e3f4a5b6c70", "web_app", ["Web app", "Веб-приложение", "Aplicación web"]),
    row("6a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c80", "visit", ["Visit", "Визит", "Visita"]),
    row("7b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d90", "messenger", ["Messenger", "Мессенджер", "Mensajería"]),
];

/// Relative frequencies of [`SOURCES`] in generated tickets.
pub const SOURCE_WEIGHTS: [u32; 6] = [45, 25, 10, 10, 5, 5];

/// Classifier places (`TicketPlaceClassifier`).
pub const PLACES: [CatalogRow; 5] = [
    row("1b2c3d4e-0000-4000-8000-000000000001", "", ["Flat", "Квартира", "Piso"]),
    row("1b2c3d4e-0000-4000-8000-000000000003", "", ["Entrance", "Подъезд", "Portal"]),
    row("1b2c3d4e-0000-4000-8000-000000000004", "", ["Basement", "Подвал", "Sótano"]),
    row("1b2c3d4e-0000-4000-8000-000000000005", "", ["Yard", "Двор", "Patio"]),
    row("1b2c3d4e-0000-4000-8000-000000000006", "", ["Elevator", "Лифт", "Ascensor"]),
];

/// Classifier categories (`TicketCategoryClassifier`).
pub const CATEGORIES: [CatalogRow; 5] = [
    row("1b2c3d4e-0000-4000-8000-000000000002", "", ["Plumbing", "Сантехника", "Fontanería"]),
    row("1b2c3d4e-0000-4000-8000-000000000102", "", ["Electricity", "Электричество", "Electricidad"]),
    row("1b2c3d4e-0000-4000-8000-000000000103", "", ["Heating", "Отопление", "Calefacción"]),
    row("1b2c3d4e-0000-4000-8000-000000000104", "", ["Intercom", "Домофон", "Portero"]),
    row("1b2c3d4e-0000-4000-8000-000000000105", "", ["Cleaning", "Уборка", "Limpieza"]),
];

/// Classifier problems (`TicketProblemClassifier`).
pub const PROBLEMS: [CatalogRow; 5] = [
    row("1b2c3d4e-0000-4000-8000-000000000201", "", ["Leak", "Протечка", "Fuga"]),
    row("1b2c3d4e-0000-4000-8000-000000000202", "", ["Does not work", "Не работает", "No funciona"]),
    row("1b2c3d4e-0000-4000-8000-000000000203", "", ["Cold radiators", "Холодные батареи", "Radiadores fríos"]),
    row("1b2c3d4e-0000-4000-8000-000000000204", "", ["Dirty", "Грязно", "Sucio"]),
    row("1b2c3d4e-0000-4000-8000-000000000205", "", ["Noise", "Шум", "Ruido"]),
];

/// A `TicketClassifier` row: place, category and optional problem indexes.
pub struct Classifier {
    /// Row id (UUID).
    pub id: &'static str,
    /// Index into [`PLACES`].
    pub place: u8,
    /// Index into [`CATEGORIES`].
    pub category: u8,
    /// Index into [`PROBLEMS`], if any.
    pub problem: Option<u8>,
}

const fn rule(id: &'static str, place: u8, category: u8, problem: Option<u8>) -> Classifier {
    Classifier { id, place, category, problem }
}

/// The classifier rules tickets are generated with.
pub const CLASSIFIERS: [Classifier; 8] = [
    rule("5a0f3c2e-8d71-4b9a-b6e4-0c2d9f8e7a61", 0, 0, None),
    rule("5a0f3c2e-8d71-4b9a-b6e4-000000000002", 0, 0, Some(0)),
    rule("5a0f3c2e-8d71-4b9a-b6e4-000000000003", 0, 1, Some(1)),
    rule("5a0f3c2e-8d71-4b9a-b6e4-000000000004", 0, 2, Some(2)),
    rule("5a0f3c2e-8d71-4b9a-b6e4-000000000005", 1, 3, Some(1)),
    rule("5a0f3c2e-8d71-4b9a-b6e4-000000000006", 1, 4, Some(3)),
    rule("5a0f3c2e-8d71-4b9a-b6e4-000000000007", 2, 0, Some(0)),
    rule("5a0f3c2e-8d71-4b9a-b6e4-000000000008", 4, 1, Some(4)),
];

/// Ticket details written for each classifier rule, in English (the data set's language).
pub const DETAILS: [&[&str]; 8] = [
    &["The bathroom tap drips all night", "Water pressure in the kitchen is very low"],
    &["Water is leaking from the ceiling in the bathroom", "The pipe under the sink is leaking"],
    &["No power in the kitchen sockets", "The circuit breaker keeps tripping"],
    &["Radiators in the bedroom are cold", "The heating is off since yesterday"],
    &["Intercom at entrance 1 does not work", "The door phone does not open the door"],
    &["The stairwell has not been cleaned for a week", "Rubbish left next to the lift"],
    &["Water on the basement floor", "A pipe in the basement is dripping"],
    &["The lift makes a loud noise between floors", "The lift stops with a jolt"],
];
