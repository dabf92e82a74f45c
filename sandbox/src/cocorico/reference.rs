//! Fixed reference data: the cities listings are placed in, with their
//! administrative hierarchy, streets and districts, and the category tree.

/// A country of the geo hierarchy.
pub(crate) struct CountryRef {
    /// ISO 3166-1 alpha-2 code, as in `geo_country.code`.
    pub code: &'static str,
    /// Name in `en` and `fr`.
    pub name: [&'static str; 2],
    /// Google's formatted-address suffix.
    pub address_suffix: &'static str,
}

/// The countries, indexed by [`CityRef::country`].
#[rustfmt::skip]
pub(crate) const COUNTRIES: [CountryRef; 3] = [
    CountryRef { code: "FR", name: ["France", "France"], address_suffix: "France" },
    CountryRef { code: "GB", name: ["United Kingdom", "Royaume-Uni"], address_suffix: "UK" },
    CountryRef { code: "DE", name: ["Germany", "Allemagne"], address_suffix: "Germany" },
];

/// A city listings are placed in.
pub(crate) struct CityRef {
    /// Index into [`COUNTRIES`].
    pub country: usize,
    /// Region (`geo_area`), `en` and `fr`.
    pub area: [&'static str; 2],
    /// County or département (`geo_department`), `en` and `fr`.
    pub department: [&'static str; 2],
    /// City name, `en` and `fr`.
    pub name: [&'static str; 2],
    /// Centre, degrees.
    pub lat: f64,
    /// Centre, degrees.
    pub lng: f64,
    /// Relative share of listings.
    pub weight: u32,
    /// Typical nightly price of a one-bedroom flat, in cents.
    pub night_cents: i64,
    /// Postcodes.
    pub zips: &'static [&'static str],
    /// Street names.
    pub streets: &'static [&'static str],
    /// Neighbourhoods, used in titles.
    pub districts: &'static [&'static str],
}

/// The cities.
#[rustfmt::skip]
pub(crate) const CITIES: [CityRef; 14] = [
    CityRef {
        country: 0, area: ["Île-de-France", "Île-de-France"], department: ["Paris", "Paris"],
        name: ["Paris", "Paris"], lat: 48.8566, lng: 2.3522, weight: 22, night_cents: 12_000,
        zips: &["75002", "75004", "75011", "75015", "75017", "75018", "75020"],
        streets: &["Rue de la Lune", "Rue Oberkampf", "Rue de Rivoli", "Boulevard Voltaire", "Rue des Martyrs", "Rue de Vaugirard", "Avenue de Clichy"],
        districts: &["Le Marais", "Montmartre", "Bastille", "Belleville", "Batignolles", "Saint-Germain"],
    },
    CityRef {
        country: 0, area: ["Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes"], department: ["Rhône", "Rhône"],
        name: ["Lyon", "Lyon"], lat: 45.7640, lng: 4.8357, weight: 8, night_cents: 8_000,
        zips: &["69001", "69002", "69003", "69004", "69007"],
        streets: &["Rue de la République", "Rue Mercière", "Cours Lafayette", "Rue du Bât-d'Argent", "Montée de la Grande-Côte"],
        districts: &["Croix-Rousse", "Presqu'île", "Vieux Lyon", "Confluence"],
    },
    CityRef {
        country: 0, area: ["Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur"], department: ["Bouches-du-Rhône", "Bouches-du-Rhône"],
        name: ["Marseille", "Marseille"], lat: 43.2965, lng: 5.3698, weight: 7, night_cents: 7_500,
        zips: &["13001", "13002", "13006", "13007", "13008"],
        streets: &["La Canebière", "Rue de la Paix Marcel Paul", "Cours Julien", "Boulevard Longchamp", "Rue Sainte"],
        districts: &["Vieux-Port", "Le Panier", "Cours Julien", "Endoume"],
    },
    CityRef {
        country: 0, area: ["Nouvelle-Aquitaine", "Nouvelle-Aquitaine"], department: ["Gironde", "Gironde"],
        name: ["Bordeaux", "Bordeaux"], lat: 44.8378, lng: -0.5792, weight: 6, night_cents: 8_500,
        zips: &["33000", "33100", "33200", "33300", "33800"],
        streets: &["Rue Sainte-Catherine", "Cours de l'Intendance", "Rue Notre-Dame", "Quai des Chartrons", "Rue du Pas-Saint-Georges"],
        districts: &["Chartrons", "Saint-Pierre", "Saint-Michel", "Bastide"],
    },
    CityRef {
        country: 0, area: ["Hauts-de-France", "Hauts-de-France"], department: ["Nord", "Nord"],
        name: ["Lille", "Lille"], lat: 50.6292, lng: 3.0573, weight: 5, night_cents: 7_000,
        zips: &["59000", "59800", "59260"],
        streets: &["Rue de la Monnaie", "Rue Esquermoise", "Boulevard de la Liberté", "Rue Solférino", "Rue de Gand"],
        districts: &["Vieux-Lille", "Wazemmes", "Vauban", "Fives"],
    },
    CityRef {
        country: 0, area: ["Pays de la Loire", "Pays de la Loire"], department: ["Loire-Atlantique", "Loire-Atlantique"],
        name: ["Nantes", "Nantes"], lat: 47.2184, lng: -1.5536, weight: 5, night_cents: 7_000,
        zips: &["44000", "44100", "44200", "44300"],
        streets: &["Rue Crébillon", "Quai de la Fosse", "Rue Kervégan", "Boulevard Guist'hau", "Rue de Strasbourg"],
        districts: &["Bouffay", "Île de Nantes", "Graslin", "Chantenay"],
    },
    CityRef {
        country: 0, area: ["Occitanie", "Occitanie"], department: ["Haute-Garonne", "Haute-Garonne"],
        name: ["Toulouse", "Toulouse"], lat: 43.6047, lng: 1.4442, weight: 5, night_cents: 7_000,
        zips: &["31000", "31300", "31400", "31500"],
        streets: &["Rue d'Alsace-Lorraine", "Rue du Taur", "Allées Jean Jaurès", "Rue des Filatiers", "Quai de la Daurade"],
        districts: &["Capitole", "Saint-Cyprien", "Carmes", "Compans-Caffarelli"],
    },
    CityRef {
        country: 0, area: ["Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur"], department: ["Alpes-Maritimes", "Alpes-Maritimes"],
        name: ["Nice", "Nice"], lat: 43.7102, lng: 7.2620, weight: 5, night_cents: 11_000,
        zips: &["06000", "06300", "06100"],
        streets: &["Promenade des Anglais", "Rue de France", "Avenue Jean Médecin", "Rue Bonaparte", "Boulevard Gambetta"],
        districts: &["Vieux-Nice", "Port Lympia", "Cimiez", "Carré d'Or"],
    },
    CityRef {
        country: 1, area: ["England", "Angleterre"], department: ["Greater London", "Grand Londres"],
        name: ["London", "Londres"], lat: 51.5074, lng: -0.1278, weight: 14, night_cents: 15_000,
        zips: &["NW1 6XE", "E1 6AN", "SE1 9SG", "N1 9GU", "W11 2BQ", "SW9 8EH"],
        streets: &["Baker Street", "Brick Lane", "Upper Street", "Portobello Road", "Borough High Street", "Coldharbour Lane"],
        districts: &["Shoreditch", "Notting Hill", "Islington", "Camden", "Brixton", "Southwark"],
    },
    CityRef {
        country: 1, area: ["England", "Angleterre"], department: ["Greater Manchester", "Grand Manchester"],
        name: ["Manchester", "Manchester"], lat: 53.4808, lng: -2.2426, weight: 5, night_cents: 8_000,
        zips: &["M1 1AD", "M4 1HN", "M15 4PN", "M20 2RN"],
        streets: &["Oldham Street", "Deansgate", "Thomas Street", "Wilmslow Road", "Oxford Road"],
        districts: &["Northern Quarter", "Ancoats", "Didsbury", "Castlefield"],
    },
    CityRef {
        country: 1, area: ["Scotland", "Écosse"], department: ["City of Edinburgh", "Ville d'Édimbourg"],
        name: ["Edinburgh", "Édimbourg"], lat: 55.9533, lng: -3.1883, weight: 4, night_cents: 10_000,
        zips: &["EH1 1RE", "EH3 6SS", "EH6 6QB", "EH8 9YL"],
        streets: &["Royal Mile", "Rose Street", "Leith Walk", "Dundas Street", "Broughton Street"],
        districts: &["Old Town", "New Town", "Leith", "Stockbridge"],
    },
    CityRef {
        country: 2, area: ["Berlin", "Berlin"], department: ["Berlin", "Berlin"],
        name: ["Berlin", "Berlin"], lat: 52.5200, lng: 13.4050, weight: 10, night_cents: 9_000,
        zips: &["10115", "10179", "10405", "10999", "12047"],
        streets: &["Oranienstraße", "Kastanienallee", "Torstraße", "Weserstraße", "Bergmannstraße", "Kollwitzstraße"],
        districts: &["Kreuzberg", "Prenzlauer Berg", "Mitte", "Neukölln", "Friedrichshain"],
    },
    CityRef {
        country: 2, area: ["Bavaria", "Bavière"], department: ["Upper Bavaria", "Haute-Bavière"],
        name: ["Munich", "Munich"], lat: 48.1351, lng: 11.5820, weight: 5, night_cents: 11_000,
        zips: &["80331", "80469", "80799", "81667"],
        streets: &["Sendlinger Straße", "Gärtnerplatz", "Türkenstraße", "Weißenburger Straße", "Schellingstraße"],
        districts: &["Schwabing", "Glockenbachviertel", "Haidhausen", "Maxvorstadt"],
    },
    CityRef {
        country: 2, area: ["Hamburg", "Hambourg"], department: ["Hamburg", "Hambourg"],
        name: ["Hamburg", "Hambourg"], lat: 53.5511, lng: 9.9937, weight: 4, night_cents: 9_500,
        zips: &["20095", "20357", "22765", "20459"],
        streets: &["Schanzenstraße", "Große Elbstraße", "Lange Reihe", "Ottenser Hauptstraße", "Colonnaden"],
        districts: &["Sternschanze", "St. Pauli", "Ottensen", "St. Georg"],
    },
];

/// A node of the category tree (`listing_category`, a Gedmo nested set).
pub(crate) struct CategoryRef {
    /// Name in `en` and `fr`.
    pub name: [&'static str; 2],
    /// Children, in order.
    pub children: &'static [[&'static str; 2]],
}

/// The category tree: two roots with their leaves.
#[rustfmt::skip]
pub(crate) const CATEGORY_TREE: [CategoryRef; 2] = [
    CategoryRef {
        name: ["Accommodation", "Hébergement"],
        children: &[["Apartment", "Appartement"], ["House", "Maison"], ["Studio", "Studio"], ["Room", "Chambre"], ["Loft", "Loft"]],
    },
    CategoryRef {
        name: ["Stay type", "Type de séjour"],
        children: &[["Holiday rental", "Location de vacances"], ["Business travel", "Voyage d'affaires"], ["Long stay", "Long séjour"]],
    },
];
