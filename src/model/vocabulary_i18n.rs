//! Behat MinkExtension's translations of the MinkContext phrasings (its `i18n/*.xliff`), as
//! patterns in the vocabulary's syntax (`Q` a quoted string, `N` a whole number), each mapped to
//! the English phrasing it translates so that it builds the same action. A feature file that
//! declares `# language: xx` has the translations into `xx` besides the English phrasings, as in
//! Behat. Owns the translated patterns and what a step's values are in their order; must not
//! read files or build actions (`vocabulary` does).
//!
//! The patterns are Mink's, anchored, with its named groups made `Q`/`N` (or a plain capture
//! where Mink's group is not a whole quoted string) and its values mapped by group name to the
//! English phrasing's order. Where a translation cannot work as written, the row says what was
//! changed.

use std::sync::OnceLock;

use regex::{Regex, RegexSet};

use super::vocabulary::{
    self, example_step, phrases, placeholder_at, placeholders, shape, unescape,
};

/// The English phrasings translated, as `vocabulary::phrases` writes them.
const AM_ON_HOMEPAGE: &str = r"(?:I )?am on (?:the )?homepage";
const GO_TO_HOMEPAGE: &str = r"(?:I )?go to (?:the )?homepage";
const AM_ON: &str = r"(?:I )?am on Q";
const GO_TO: &str = r"(?:I )?go to Q";
const RELOAD: &str = r"(?:I )?reload the page";
const BACK: &str = r"(?:I )?move backward one page";
const FORWARD: &str = r"(?:I )?move forward one page";
const SHOULD_BE_ON: &str = r"(?:I )?should be on Q";
const SHOULD_BE_ON_HOMEPAGE: &str = r"(?:I )?should be on (?:the )?homepage";
const URL_MATCHES: &str = r"the (?i:url) should match Q";
const STATUS: &str = r"the response status code should be N";
const STATUS_NOT: &str = r"the response status code should not be N";
const PRINT: &str = r"(?:I )?(?:print current URL|print last response|show last response)";
const PRESS: &str = r"(?:I )?press Q";
const FOLLOW: &str = r"(?:I )?follow Q";
const FILL_IN_WITH: &str = r"(?:I )?fill in Q with Q";
const FILL_IN_WITH_DOC: &str = r"(?:I )?fill in Q with:";
const FILL_IN_FOR: &str = r"(?:I )?fill in Q for Q";
const FILL_IN_TABLE: &str = r"(?:I )?fill in the following:";
const SELECT: &str = r"(?:I )?select Q from Q";
const SELECT_ALSO: &str = r"(?:I )?additionally select Q from Q";
const CHECK: &str = r"(?:I )?check Q";
const UNCHECK: &str = r"(?:I )?uncheck Q";
const ATTACH: &str = r"(?:I )?attach the file Q to Q";
const SEE: &str = r"(?:I )?should see Q";
const NOT_SEE: &str = r"(?:I )?should not see Q";
const SEE_MATCHING: &str = r"(?:I )?should see text matching Q";
const NOT_SEE_MATCHING: &str = r"(?:I )?should not see text matching Q";
const RESPONSE_CONTAINS: &str = r"the response should contain Q";
const RESPONSE_NOT_CONTAINS: &str = r"the response should not contain Q";
const SEE_IN_ELEMENT: &str = r"(?:I )?should see Q in the Q element";
const NOT_SEE_IN_ELEMENT: &str = r"(?:I )?should not see Q in the Q element";
const ELEMENT_CONTAINS: &str = r"the Q element should contain Q";
const ELEMENT_NOT_CONTAINS: &str = r"the Q element should not contain Q";
const SEE_ELEMENT: &str = r"(?:I )?should see an? Q element";
const NOT_SEE_ELEMENT: &str = r"(?:I )?should not see an? Q element";
const SEE_ELEMENTS: &str = r"(?:I )?should see N Q elements?";
const FIELD_CONTAINS: &str = r"the Q field should contain Q";
const FIELD_NOT_CONTAINS: &str = r"the Q field should not contain Q";
/// Mink's `the "…" checkbox should be checked`.
const CHECKBOX_SHOULD_BE_CHECKED: &str = r"the Q checkbox should be checked";
/// Mink's `the "…" checkbox should not be checked` (of older MinkContexts).
const CHECKBOX_SHOULD_NOT_BE_CHECKED: &str =
    r"the Q checkbox should (?:be unchecked|not be checked)";
/// Mink's `the checkbox "…" (?:is|should be) checked`.
const CHECKBOX_IS_CHECKED: &str = r"the checkbox Q (?:is|should be) checked";
/// Mink's `the checkbox "…" is (?:unchecked|not checked)`.
const CHECKBOX_IS_UNCHECKED: &str = r"the checkbox Q (?:should be|is) (?:unchecked|not checked)";
/// Mink's `the checkbox "…" should (?:be unchecked|not be checked)`.
const CHECKBOX_SHOULD_BE_UNCHECKED: &str = r"the checkbox Q should not be checked";

/// One translated phrasing.
pub struct Translation {
    /// The English phrasing's pattern (in `vocabulary::phrases`).
    pub english: &'static str,
    pub pattern: &'static str,
    /// For each value of the English phrasing, which of this pattern's captures holds it; empty
    /// when they come in the same order.
    pub order: &'static [usize],
}

/// The translations into one language.
pub struct Language {
    /// As `# language:` names it.
    pub code: &'static str,
    pub name: &'static str,
    pub translations: &'static [Translation],
}

macro_rules! t {
    ($english:expr, $pattern:literal) => {
        Translation {
            english: $english,
            pattern: $pattern,
            order: &[],
        }
    };
    ($english:expr, $pattern:literal, [$($i:literal),*]) => {
        Translation {
            english: $english,
            pattern: $pattern,
            order: &[$($i),*],
        }
    };
}

/// Every language MinkExtension translates its phrasings into.
pub fn languages() -> &'static [Language] {
    LANGUAGES
}

const LANGUAGES: &[Language] = &[
    Language {
        code: "cs",
        name: "Czech",
        translations: &[
            t!(AM_ON, r"jsem na(?: stránce)? Q"),
            t!(GO_TO, r"(?:pře)?jdu na(?: stránku)? Q"),
            t!(RELOAD, r"obnovím stránku"),
            t!(BACK, r"(?:pře)?jdu o jednu stránku zpět"),
            t!(FORWARD, r"(?:pře)?jdu o jednu stránku vpřed"),
            t!(PRESS, r"stisknu(?: tlačítko)? Q"),
            t!(FOLLOW, r"kliknu na(?: odkaz)? Q"),
            t!(FILL_IN_WITH, r"zadám do Q hodnotu Q"),
            t!(FILL_IN_FOR, r"zadám Q do Q"),
            t!(FILL_IN_TABLE, r"vyplním formulář:"),
            t!(SELECT, r"vyberu Q z Q"),
            t!(SELECT_ALSO, r"ještě vyberu Q z Q"),
            t!(CHECK, r"(?:zaškrtnu|označím) Q"),
            t!(UNCHECK, r"odznačím Q"),
            t!(ATTACH, r"nahraji soubor Q do Q"),
            t!(SEE, r"musím vidět(?: text)? Q"),
            t!(RESPONSE_CONTAINS, r"stránka musí obsahovat Q"),
            t!(NOT_SEE, r"nesmím vidět(?: text)? Q"),
            t!(RESPONSE_NOT_CONTAINS, r"stránka nesmí obsahovat Q"),
            t!(FIELD_CONTAINS, r"pole Q musí obsahovat Q"),
            t!(FIELD_NOT_CONTAINS, r"pole Q nesmí obsahovat Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"pole Q musí být (?:zaškrtnuto|vybráno|označeno)"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"pole Q nesmí být (?:zaškrtnuto|vybráno|označeno)"
            ),
            t!(SHOULD_BE_ON, r"musím být na stránce Q"),
            t!(URL_MATCHES, r"(?:url|adresa|url adresa) musí mít tvar Q"),
            t!(ELEMENT_CONTAINS, r"element Q musí obsahovat Q"),
            t!(SEE_IN_ELEMENT, r"musím vidět(?: text)? Q uvnitř elementu Q"),
            t!(SEE_ELEMENT, r"musím vidět element Q"),
            t!(NOT_SEE_ELEMENT, r"nesmím vidět element Q"),
            t!(SEE_ELEMENTS, r"musím vidět N element(?:|y|ů) Q"),
            t!(STATUS, r"(?:stavový )?kód odpovědi serveru musí být N"),
            t!(STATUS_NOT, r"(?:stavový )?kód odpovědi serveru nesmí být N"),
            t!(PRINT, r"vypiš (?:poslední )?stránku"),
            t!(PRINT, r"zobraz (?:poslední )?stránku"),
        ],
    },
    // Danish names Mink's groups in Danish (`side`, `felt`, `sti`): mapped by what they name.
    Language {
        code: "da",
        name: "Danish",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"(?:jeg )?er på hjemmesiden"),
            t!(GO_TO_HOMEPAGE, r"(?:jeg )?går til hjemmesiden"),
            t!(AM_ON, r"(?:jeg )?er på Q"),
            t!(GO_TO, r"(?:jeg )?går til Q"),
            t!(RELOAD, r"(?:jeg )?genindlæser siden"),
            t!(BACK, r"(?:jeg )?går en side tilbage"),
            t!(FORWARD, r"(?:jeg )?går en side frem"),
            t!(PRESS, r"(?:jeg )?trykker Q"),
            t!(FOLLOW, r"(?:jeg )?følger Q"),
            t!(FILL_IN_WITH, r"(?:jeg )?udfylder Q med Q"),
            t!(FILL_IN_WITH_DOC, r"(?:jeg )?udfylder Q med:"),
            t!(FILL_IN_FOR, r"(?:jeg )?udfylder Q for Q"),
            t!(FILL_IN_TABLE, r"(?:jeg )?udfylder følgende:"),
            t!(SELECT, r"(?:jeg )?vælger Q fra Q"),
            t!(SELECT_ALSO, r"(?:jeg )?derudover vælger Q fra Q"),
            t!(CHECK, r"(?:jeg )?markerer Q"),
            t!(UNCHECK, r"(?:jeg )?afmarkerer Q"),
            t!(ATTACH, r"(?:jeg )?vedhæfter filen Q til Q"),
            t!(SEE, r"(?:skulle jeg )?se Q"),
            t!(SEE_MATCHING, r"(?:skulle jeg )?se tekst matche Q"),
            t!(NOT_SEE_MATCHING, r"(?:skulle jeg )?ikke se tekst matche Q"),
            t!(RESPONSE_CONTAINS, r"skulle responsen indeholde Q"),
            t!(NOT_SEE, r"(?:skulle jeg )?ikke se Q"),
            t!(RESPONSE_NOT_CONTAINS, r"skulle responsen ikke indeholde Q"),
            t!(FIELD_CONTAINS, r"skulle feltet Q indeholde Q"),
            t!(FIELD_NOT_CONTAINS, r"skulle feltet Q ikke indeholde Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"skulle afkrydsningsfeltet Q være markeret"
            ),
            t!(CHECKBOX_IS_CHECKED, r"er afkrydsningsfeltet Q markeret"),
            t!(
                CHECKBOX_SHOULD_BE_UNCHECKED,
                r"skulle afkrydsningsfeltet Q være afmarkeret"
            ),
            t!(CHECKBOX_IS_UNCHECKED, r"er afkrydsningsfeltet Q afmarkeret"),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"skulle afkrydsningsfeltet Q ikke være markeret"
            ),
            t!(SHOULD_BE_ON, r"(?:skulle jeg )?være på Q"),
            t!(
                SHOULD_BE_ON_HOMEPAGE,
                r"(?:skulle jeg )?være på hjemmesiden"
            ),
            t!(URL_MATCHES, r"skulle webadressen matche Q"),
            t!(ELEMENT_CONTAINS, r"skulle elementet Q indeholde Q"),
            t!(ELEMENT_NOT_CONTAINS, r"skulle elementet Q ikke indeholde Q"),
            t!(SEE_IN_ELEMENT, r"(?:skulle jeg )?se Q i elementet Q"),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:skulle jeg )?ikke se Q i elementet Q"
            ),
            t!(SEE_ELEMENT, r"(?:skulle jeg )?se et element Q"),
            t!(NOT_SEE_ELEMENT, r"(?:skulle jeg )?ikke se et element Q"),
            t!(SEE_ELEMENTS, r"(?:skulle jeg )?se N Q elementer?"),
            t!(STATUS, r"skulle statuskoderesponsen være N"),
            t!(STATUS_NOT, r"skulle statuskoderesponsen ikke være N"),
            t!(PRINT, r"print den aktuelle URL"),
            t!(PRINT, r"udskriv sidste respons"),
            t!(PRINT, r"vis sidste respons"),
        ],
    },
    Language {
        code: "de",
        name: "German",
        translations: &[
            t!(
                AM_ON_HOMEPAGE,
                r"(?:ich )?bin (?:ich )?auf (?:der )?Startseite"
            ),
            t!(
                GO_TO_HOMEPAGE,
                r"(?:ich )?gehe (?:ich )?auf (?:die )?Startseite"
            ),
            t!(AM_ON, r"(?:ich )?bin (?:ich )?auf Q"),
            t!(GO_TO, r"(?:ich )?gehe (?:ich )?nach Q"),
            t!(RELOAD, r"(?:ich )?aktualisiere (?:ich )?die Seite"),
            t!(BACK, r"(?:ich )?gehe (?:ich )?eine Seite zurück"),
            t!(FORWARD, r"(?:ich )?gehe (?:ich )?eine Seite vorwärts"),
            t!(PRESS, r"(?:ich )?drücke (?:ich )?Q"),
            t!(FOLLOW, r"(?:ich )?folge (?:ich )?Q"),
            t!(FILL_IN_WITH, r"(?:ich )?gebe (?:ich )?in das Feld Q Q ein"),
            t!(FILL_IN_FOR, r"(?:ich )?gebe (?:ich )?Q in Q ein"),
            t!(FILL_IN_TABLE, r"(?:ich )?gebe (?:ich )?das folgende ein:"),
            t!(SELECT, r"(?:ich )?wähle (?:ich )?Q von Q"),
            t!(SELECT_ALSO, r"(?:ich )?wähle (?:ich )?zusätzlich Q von Q"),
            t!(CHECK, r"(?:ich )?aktiviere (?:ich )?Q"),
            t!(UNCHECK, r"(?:ich )?deaktiviere (?:ich )?Q"),
            t!(ATTACH, r"(?:ich )?lade (?:ich )?die Datei Q in Q"),
            t!(SHOULD_BE_ON, r"(?:ich )?sollte (?:ich )?auf Q sein"),
            t!(
                URL_MATCHES,
                r"(?:sollte )?die Webadresse (?:sollte )?mit Q übereinstimmen"
            ),
            t!(
                STATUS,
                r"(?:sollte )?die Status-Code-Rückmeldung (?:sollte )?N sein"
            ),
            t!(
                STATUS_NOT,
                r"(?:sollte )?die Status-Code-Rückmeldung (?:sollte )?nicht N sein"
            ),
            t!(SEE, r"(?:ich )?sollte (?:ich )?Q sehen"),
            t!(NOT_SEE, r"(?:ich )?sollte (?:ich )?nicht Q sehen"),
            t!(
                SEE_MATCHING,
                r"(?:ich )?sollte (?:ich )?folgenden Text sehen Q"
            ),
            t!(
                NOT_SEE_MATCHING,
                r"(?:ich )?sollte (?:ich )?nicht folgenden Text sehen Q"
            ),
            t!(
                RESPONSE_CONTAINS,
                r"(?:sollte )?die Rückmeldung (?:sollte )?Q enthalten"
            ),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"(?:sollte )?die Rückmeldung (?:sollte )?nicht Q enthalten"
            ),
            t!(
                SEE_IN_ELEMENT,
                r"(?:ich )?sollte (?:ich )?Q im Q Element sehen"
            ),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:ich )?sollte (?:ich )?nicht Q im Q Element sehen"
            ),
            t!(
                ELEMENT_CONTAINS,
                r"(?:sollte )?das Q Element (?:sollte )?Q enthalten"
            ),
            t!(
                ELEMENT_NOT_CONTAINS,
                r"(?:sollte )?das Q Element (?:sollte )?nicht Q enthalten"
            ),
            t!(SEE_ELEMENT, r"(?:ich )?sollte (?:ich )?ein Q Element sehen"),
            t!(
                NOT_SEE_ELEMENT,
                r"(?:ich )?sollte (?:ich )?kein Q Element sehen"
            ),
            t!(
                FIELD_CONTAINS,
                r"(?:sollte )?das Q Feld (?:sollte )?Q enthalten"
            ),
            t!(
                FIELD_NOT_CONTAINS,
                r"(?:sollte )?das Q Feld (?:sollte )?nicht Q enthalten"
            ),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"(?:sollte )?die Q checkbox (?:sollte )?aktiviert sein"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"(?:sollte )?die Q checkbox (?:sollte )?nicht aktiviert sein"
            ),
            t!(
                SEE_ELEMENTS,
                r"(?:ich )?sollte (?:ich )?N Q Elemente? sehen"
            ),
            t!(PRINT, r"gib die letzte Rückmeldung aus"),
            t!(PRINT, r"zeige die letzte Rückmeldung"),
        ],
    },
    Language {
        code: "es",
        name: "Spanish",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"estoy en la página de inicio"),
            t!(GO_TO_HOMEPAGE, r"voy a la página de inicio"),
            t!(AM_ON, r"estoy en Q"),
            t!(GO_TO, r"voy a Q"),
            t!(RELOAD, r"recargo la página"),
            t!(BACK, r"voy hacia atrás una página"),
            t!(FORWARD, r"voy hacia adelante una página"),
            t!(PRESS, r"presiono Q"),
            t!(FOLLOW, r"sigo Q"),
            t!(FILL_IN_WITH, r"relleno Q con Q"),
            t!(FILL_IN_FOR, r"relleno con Q a Q"),
            t!(FILL_IN_TABLE, r"relleno lo siguiente:"),
            t!(SELECT, r"selecciono Q de Q"),
            t!(SELECT_ALSO, r"adicionalmente selecciono Q de Q"),
            t!(CHECK, r"marco Q"),
            t!(UNCHECK, r"desmarco Q"),
            t!(ATTACH, r"adjunto el archivo Q a Q"),
            t!(SEE, r"debo ver Q"),
            t!(NOT_SEE, r"no debo ver Q"),
            t!(SEE_MATCHING, r"debo ver texto que siga el patrón Q"),
            t!(NOT_SEE_MATCHING, r"no debo ver texto que siga el patrón Q"),
            t!(RESPONSE_CONTAINS, r"la respuesta debe contener Q"),
            t!(RESPONSE_NOT_CONTAINS, r"la respuesta no debe contener Q"),
            t!(FIELD_CONTAINS, r"el campo Q debe contener Q"),
            t!(FIELD_NOT_CONTAINS, r"el campo Q no debe contener Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"la casilla de selección Q debe estar marcada"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"la casilla de selección Q no debe estar marcada"
            ),
            t!(SHOULD_BE_ON, r"debo estar en Q"),
            t!(URL_MATCHES, r"la URL debe seguir el patrón Q"),
            t!(ELEMENT_CONTAINS, r"el elemento Q debe contener Q"),
            t!(SEE_IN_ELEMENT, r"debo ver Q en el elemento Q"),
            t!(NOT_SEE_IN_ELEMENT, r"no debo ver Q en el elemento Q"),
            t!(SEE_ELEMENT, r"debo ver un elemento Q"),
            t!(NOT_SEE_ELEMENT, r"no debo ver un elemento Q"),
            t!(SEE_ELEMENTS, r"debo ver N Q elementos"),
            t!(STATUS, r"el código de estado de la respuesta debe ser N"),
            t!(
                STATUS_NOT,
                r"el código de estado de la respuesta no debe ser N"
            ),
            t!(PRINT, r"imprime la última respuesta"),
            t!(PRINT, r"muestra la última respuesta"),
        ],
    },
    Language {
        code: "fr",
        name: "French",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"(?:je )?suis sur la page d'accueil"),
            t!(GO_TO_HOMEPAGE, r"(?:je )?vais sur la page d'accueil"),
            t!(AM_ON, r"(?:je )?suis sur Q"),
            t!(GO_TO, r"(?:je )?vais sur Q"),
            t!(RELOAD, r"(?:je )?recharge la page"),
            t!(BACK, r"(?:je )?recule d'une page"),
            t!(FORWARD, r"(?:j')?avance d'une page"),
            t!(PRESS, r"(?:je )?presse Q"),
            t!(FOLLOW, r"(?:je )?suis Q"),
            t!(FILL_IN_WITH, r"(?:je )?remplis Q avec Q"),
            t!(FILL_IN_FOR, r"(?:je )?remplis Q pour Q"),
            t!(FILL_IN_TABLE, r"(?:je )?remplis le texte suivant:"),
            t!(SELECT, r"(?:je )?sélectionne Q depuis Q"),
            t!(
                SELECT_ALSO,
                r"(?:je )?sélectionne une autre option Q depuis Q"
            ),
            t!(CHECK, r"(?:je )?coche Q"),
            t!(UNCHECK, r"(?:je )?décoche Q"),
            t!(ATTACH, r"(?:j')?attache le fichier Q à Q"),
            t!(SEE, r"(?:je )?devrais voir Q"),
            t!(
                SEE_MATCHING,
                r"(?:je )?devrais voir un texte suivant le motif Q"
            ),
            t!(
                NOT_SEE_MATCHING,
                r"(?:je )?ne devrais pas voir de texte suivant le motif Q"
            ),
            t!(RESPONSE_CONTAINS, r"la réponse devrait contenir Q"),
            t!(NOT_SEE, r"(?:je )?ne devrais pas voir Q"),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"la réponse ne devrait pas contenir Q"
            ),
            t!(FIELD_CONTAINS, r"le champ Q devrait contenir Q"),
            t!(FIELD_NOT_CONTAINS, r"le champ Q ne devrait pas contenir Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"la case à cocher Q devrait être cochée"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"la case à cocher Q ne devrait pas être cochée"
            ),
            t!(SHOULD_BE_ON, r"(?:je )?devrais être sur Q"),
            t!(
                SHOULD_BE_ON_HOMEPAGE,
                r"(?:je )?devrais être sur la page d'accueil"
            ),
            t!(URL_MATCHES, r"l'(?i:url) devrait suivre le motif Q"),
            t!(ELEMENT_CONTAINS, r"l'élément Q devrait contenir Q"),
            t!(
                ELEMENT_NOT_CONTAINS,
                r"l'élément Q ne devrait pas contenir Q"
            ),
            t!(SEE_IN_ELEMENT, r"(?:je )?devrais voir Q dans l'élément Q"),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:je )?ne devrais pas voir Q dans l'élément Q"
            ),
            t!(SEE_ELEMENT, r"(?:je )?devrais voir l'élément Q"),
            t!(NOT_SEE_ELEMENT, r"(?:je )?ne devrais pas voir l'élément Q"),
            t!(SEE_ELEMENTS, r"(?:je )?devrais voir N éléments? Q"),
            t!(STATUS, r"le code de status de la réponse devrait être N"),
            t!(
                STATUS_NOT,
                r"le code de status de la réponse ne devrait pas être N"
            ),
            t!(PRINT, r"imprimer la dernière réponse"),
            t!(PRINT, r"montrer la dernière réponse"),
        ],
    },
    Language {
        code: "hu",
        name: "Hungarian",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"a címlapon (?:vagyok|van)"),
            t!(GO_TO_HOMEPAGE, r"(?:ellátogat|ellátogatok) a címlapra"),
            t!(AM_ON, r"az? Q oldalon (?:vagyok|van)"),
            // Mink's closing quote is after "oldalra": `ellátogatok az "/about oldalra"`.
            t!(GO_TO, r#"(?:ellátogat|ellátogatok) az? "([^"]+) oldalra""#),
            t!(RELOAD, r"(?:újratöltöm|újratölti) az oldalt"),
            t!(BACK, r"az előző oldalra (?:látogatok|látogat)"),
            t!(FORWARD, r"a következő oldalra (?:látogatok|látogat)"),
            t!(
                PRESS,
                r"(?:megnyomom|megnyomja|lenyomom|lenyomja) az? Q gombot"
            ),
            t!(FOLLOW, r"(?:követem|követi) az? Q linket"),
            t!(FILL_IN_WITH, r"(?:kitöltöm|kitölti) az? Q mezőt Q értékkel"),
            t!(
                FILL_IN_WITH_DOC,
                r"(?:kitöltöm|kitölti) az? Q mezőt a következő értékekkel:"
            ),
            t!(
                FILL_IN_FOR,
                r"az? Q értékkel (?:kitöltöm|kitölti) az? Q mezőt"
            ),
            t!(
                FILL_IN_TABLE,
                r"Amennyiben (?:kitöltöm|kitölti) a következőket:"
            ),
            t!(
                SELECT,
                r"(?:kiválasztom|kiválasztja) az? Q leheőséget az? Q legördülő listából"
            ),
            t!(
                SELECT_ALSO,
                r"(?:kiválasztom|kiválasztja) a Q további lehetőséget az? Q legördülő listából"
            ),
            // Here too: `kiválasztom a "Terms opciót"`.
            t!(
                CHECK,
                r#"(?:kiválasztom|kiválasztja) az? "((?:[^"\\]|\\.)*) opciót""#
            ),
            t!(UNCHECK, r"(?:törlöm|törli) az? Q opciót"),
            t!(ATTACH, r"(?:csatolom|csatolja) az? Q fájlt az? Q mezőhöz"),
            t!(SEE, r"az? Q szöveget kell (?:látnom|látnia)"),
            t!(
                SEE_MATCHING,
                r"az? Q mintára illeszkedő szöveget (?:látnom|látnia) kell"
            ),
            t!(
                NOT_SEE_MATCHING,
                r"az? Q mintára illeszkedő szöveget nem szabad (?:látnom|látnia)"
            ),
            t!(
                RESPONSE_CONTAINS,
                r"a válasznak tartalmaznia kell a következőt: Q"
            ),
            t!(NOT_SEE, r"az? Q szöveget nem szabad (?:látnom|látnia)"),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"a válasznak nem szabad tartalmaznia Q"
            ),
            t!(
                FIELD_CONTAINS,
                r"az? Q mezőnek tartalmaznia kell a következő értéket: Q"
            ),
            t!(
                FIELD_NOT_CONTAINS,
                r"az? Q mezőnek nem szabad tartalmaznia a következő értéket: Q"
            ),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"az? Q jelölőnégyzetnek be kell jelölve lennie"
            ),
            t!(
                CHECKBOX_IS_CHECKED,
                r"az? Q jelölőnégyzetnek be kell lennie jelölve"
            ),
            t!(
                CHECKBOX_SHOULD_BE_UNCHECKED,
                r"az? Q jelölőnégyzetnek törölve kell lennie"
            ),
            t!(CHECKBOX_IS_UNCHECKED, r"az? Q jelölőnégyzet törölve van"),
            t!(SHOULD_BE_ON, r"a? Q oldalon kell (?:lennem|lennie)"),
            t!(SHOULD_BE_ON_HOMEPAGE, r"a címlapon kell (?:lennem|lennie)"),
            t!(
                URL_MATCHES,
                r"az? (?:url|webcím) illeszkedik a következő mintára: Q"
            ),
            t!(
                ELEMENT_CONTAINS,
                r"az? Q tartalmaznia kell a következő értéket: Q"
            ),
            t!(
                ELEMENT_NOT_CONTAINS,
                r"az? Q nem szabad tartalmaznia a következő értéket: Q"
            ),
            t!(
                SEE_IN_ELEMENT,
                r"az? Q szöveget (?:látnom|látnia) kell az? Q elemben"
            ),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"az? Q szöveget nem szabad (?:látnom|látnia) az? Q elemben"
            ),
            t!(SEE_ELEMENT, r"az? Q elemet (?:látnom|látnia) kell"),
            t!(NOT_SEE_ELEMENT, r"az? Q elemet nem szabad látnia"),
            t!(SEE_ELEMENTS, r"N darab Q elemet kell (?:látnom|látnia)"),
            t!(
                STATUS,
                r"a válaszüzenet kódjának a következőnek kell lennie: N"
            ),
            t!(STATUS_NOT, r"a válaszüzenet kódja nem lehet a következő: N"),
            t!(PRINT, r"nyomtassa ki az aktuális URL-t"),
            t!(PRINT, r"nyomtassa ki a legutóbbi választ"),
            t!(PRINT, r"mutassa a legutóbi választ"),
        ],
    },
    Language {
        code: "id",
        name: "Indonesian",
        translations: &[
            t!(
                AM_ON_HOMEPAGE,
                r"(?:saya )?(?:berada di |di )(?:halaman )?beranda"
            ),
            t!(GO_TO_HOMEPAGE, r"(?:saya )?ke (?:halaman )?beranda"),
            t!(AM_ON, r"(?:saya )?(?:berada di |di )(?:halaman )?Q"),
            t!(GO_TO, r"(?:saya )?ke (?:halaman )?Q"),
            t!(RELOAD, r"(?:saya )?mereload halaman"),
            t!(BACK, r"(?:saya )?mundur satu halaman"),
            t!(FORWARD, r"(?:saya )?maju satu halaman"),
            t!(PRESS, r"(?:saya )?menekan (?:tombol )?Q"),
            t!(FOLLOW, r"(?:saya )?mengikuti (?:tautan )?Q"),
            t!(
                FILL_IN_WITH,
                r"(?:saya )?mengisi (?:isian )?Q dengan (?:nilai )?Q"
            ),
            t!(
                FILL_IN_WITH_DOC,
                r"(?:saya )?mengisi (?:isian )?Q dengan (?:nilai )?:"
            ),
            t!(
                FILL_IN_FOR,
                r"(?:saya )?mengisi (?:nilai )?Q untuk (?:isian )?Q"
            ),
            t!(FILL_IN_TABLE, r"(?:saya )?mengisi:"),
            t!(SELECT, r"(?:saya )?memilih (?:opsi )?Q pada (?:pilihan )?Q"),
            t!(
                SELECT_ALSO,
                r"(?:saya )?menambahkan pilihan Q pada (?:pilihan )?Q"
            ),
            t!(CHECK, r"(?:saya )?menandai (?:opsi )?Q"),
            t!(UNCHECK, r"(?:saya )?tidak menandai (?:opsi )?Q"),
            t!(ATTACH, r"(?:saya )?melampirkan file Q untuk (?:isian )?Q"),
            t!(SEE, r"(?:saya )?harus melihat (?:|teks |pesan )Q"),
            t!(
                SEE_MATCHING,
                r"(?:saya )?harus melihat teks yang cocok dengan (?:pola )?Q"
            ),
            t!(
                NOT_SEE_MATCHING,
                r"(?:saya )?tidak melihat teks yang cocok dengan (?:pola )?Q"
            ),
            t!(RESPONSE_CONTAINS, r"respon harus memiliki (?:teks )?Q"),
            t!(NOT_SEE, r"(?:saya )?tidak melihat (?:teks )?Q"),
            t!(RESPONSE_NOT_CONTAINS, r"respon tidak memiliki (?:teks )?Q"),
            t!(FIELD_CONTAINS, r"isian Q harus memiliki nilai Q"),
            t!(FIELD_NOT_CONTAINS, r"isian Q tidak memiliki nilai Q"),
            t!(CHECKBOX_SHOULD_BE_CHECKED, r"pilihan Q dicentang"),
            t!(
                CHECKBOX_IS_CHECKED,
                r"pilihan Q (?:harus|seharusnya) dicentang"
            ),
            t!(
                CHECKBOX_SHOULD_BE_UNCHECKED,
                r"pilihan Q tidak (?:harus|seharusnya) dicentang"
            ),
            t!(
                CHECKBOX_IS_UNCHECKED,
                r"pilihan Q (?:seharusnya |harus )tidak dicentang"
            ),
            t!(
                SHOULD_BE_ON,
                r"(?:saya )?harus (?:berada )?di (?:halaman )?Q"
            ),
            t!(
                SHOULD_BE_ON_HOMEPAGE,
                r"(?:saya )?harus (?:berada )?di (?:halaman )?beranda"
            ),
            t!(URL_MATCHES, r"url (?i:url) harus cocok dengan (?:pola )?Q"),
            t!(ELEMENT_CONTAINS, r"elemen Q harus memiliki nilai Q"),
            t!(ELEMENT_NOT_CONTAINS, r"elemen Q tidak memiliki nilai Q"),
            t!(
                SEE_IN_ELEMENT,
                r"(?:saya )?harus melihat (?:teks )?Q pada elemen Q"
            ),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:saya )?tidak melihat (?:teks )?Q pada elemen Q"
            ),
            t!(SEE_ELEMENT, r"(?:saya )?harus melihat elemen Q"),
            t!(NOT_SEE_ELEMENT, r"(?:saya )?tidak melihat elemen Q"),
            t!(SEE_ELEMENTS, r"(?:saya )?harus melihat N elemen Q"),
            t!(STATUS, r"kode status respon harus N"),
            t!(STATUS_NOT, r"kode status respon bukan N"),
            t!(PRINT, r"cetak URL sekarang"),
            t!(PRINT, r"cetak respon terakhir"),
            t!(PRINT, r"tampilkan respon terakhir"),
        ],
    },
    Language {
        code: "it",
        name: "Italian",
        translations: &[
            t!(AM_ON, r"(?:io )?sono sulla pagina Q"),
            t!(GO_TO, r"(?:io )?vado alla pagina Q"),
            t!(RELOAD, r"(?:io )?ricarico la pagina"),
            t!(BACK, r"(?:io )?torno alla pagina precedente"),
            t!(FORWARD, r"(?:io )?avanzo di una pagina"),
            t!(PRESS, r"(?:io )?premo Q"),
            t!(FOLLOW, r"(?:io )?clicco sul link Q"),
            t!(FILL_IN_WITH, r"(?:io )?compilo il campo Q con Q"),
            t!(FILL_IN_FOR, r"(?:io )?inserisco il valore Q per il campo Q"),
            t!(FILL_IN_TABLE, r"(?:io )?compilo con:"),
            t!(SELECT, r"(?:io )?seleziono Q da Q"),
            t!(SELECT_ALSO, r"(?:io )?seleziono anche Q da Q"),
            t!(CHECK, r"(?:io )?metto la spunta a Q"),
            t!(UNCHECK, r"(?:io )?rimuovo la spunta da Q"),
            t!(ATTACH, r"(?:io )?aggiungo il file Q a Q"),
            t!(SEE, r"(?:io )?dovrei vedere Q"),
            t!(
                SEE_MATCHING,
                r"(?:io )?dovrei vedere un testo nel formato Q"
            ),
            t!(
                NOT_SEE_MATCHING,
                r"(?:io )?non dovrei vedere un testo nel formato Q"
            ),
            t!(RESPONSE_CONTAINS, r"la risposta dovrebbe contenere Q"),
            t!(NOT_SEE, r"(?:io )?non dovrei vedere Q"),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"la risposta non dovrebbe contenere Q"
            ),
            t!(FIELD_CONTAINS, r"il campo Q dovrebbe contenere Q"),
            t!(FIELD_NOT_CONTAINS, r"il campo Q non dovrebbe contenere Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"l'opzione Q dovrebbe essere spuntata"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"l'opzione Q non dovrebbe essere spuntata"
            ),
            t!(SHOULD_BE_ON, r"(?:io )?dovrei essere sulla pagina Q"),
            t!(URL_MATCHES, r"l'(?i:url) dovrebbe essere Q"),
            t!(ELEMENT_CONTAINS, r"l'elemento Q dovrebbe contenere Q"),
            t!(SEE_IN_ELEMENT, r"(?:io )?dovrei vedere Q nell'elemento Q"),
            t!(SEE_ELEMENT, r"(?:io )?dovrei vedere l'elemento? Q"),
            t!(NOT_SEE_ELEMENT, r"(?:io )?non dovrei vedere l'elemento? Q"),
            t!(SEE_ELEMENTS, r"(?:io )?dovrei vedere N elementi? Q"),
            t!(STATUS, r"il codice di risposta dovrebbe essere N"),
            t!(STATUS_NOT, r"il codice di risposta non dovrebbe essere N"),
            t!(PRINT, r"stampa l'ultima risposta"),
            t!(PRINT, r"mostra l'ultima risposta"),
        ],
    },
    Language {
        code: "ja",
        name: "Japanese",
        translations: &[
            t!(
                AM_ON_HOMEPAGE,
                r"(?:ユーザーは )?ホームページを表示している"
            ),
            t!(GO_TO_HOMEPAGE, r"(?:ユーザーは )?ホームページへ移動する"),
            t!(AM_ON, r#"(?:ユーザーは )?"(\S+)" を表示している"#),
            t!(GO_TO, r#"(?:ユーザーが )?"(\S+)" へ移動する"#),
            t!(RELOAD, r"(?:ユーザーが )?ページをリロードする"),
            t!(BACK, r"(?:ユーザーが )?履歴の前のページに戻る"),
            t!(FORWARD, r"(?:ユーザーが )?履歴の次のページヘ進む"),
            t!(PRESS, r"(?:ユーザーが )?Q ボタンをクリックする"),
            t!(FOLLOW, r"(?:ユーザーが )?Q のリンク先へ移動する"),
            t!(FILL_IN_WITH, r"(?:ユーザーが )?Q フィールドに Q と入力する"),
            t!(
                FILL_IN_WITH_DOC,
                r"(?:ユーザーが )?Q フィールドに以下の値を入力する:"
            ),
            t!(FILL_IN_FOR, r"(?:ユーザーが )?Q という値を Q に入力する"),
            t!(FILL_IN_TABLE, r"(?:ユーザーが)?次のように入力する:"),
            t!(SELECT, r"(?:ユーザーが )?Q という値を Q から選択する"),
            t!(
                SELECT_ALSO,
                r"(?:ユーザーが )?Q という値を Q から追加で選択する"
            ),
            t!(CHECK, r"(?:ユーザーが )?Q にチェックをつける"),
            t!(UNCHECK, r"(?:ユーザーが )?Q のチェックをはずす"),
            t!(
                ATTACH,
                r"(?:ユーザーが)?パス Q にあるファイルを Q に添付する"
            ),
            t!(SEE, r"(?:画面に )?Q と表示されていること"),
            t!(RESPONSE_CONTAINS, r"レスポンスに Q が含まれていること"),
            t!(NOT_SEE, r"(?:画面に )?Q と表示されていないこと"),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"レスポンスに Q が含まれていないこと"
            ),
            t!(FIELD_CONTAINS, r"Q フィールドに Q が含まれていること"),
            t!(FIELD_NOT_CONTAINS, r"Q フィールドに Q が含まれていないこと"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"チェックボックス Q のチェックがついていること"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"チェックボックス Q のチェックがはずれていること"
            ),
            // Mink's page is unquoted here (`[^\s]+`); quoted, as in the other page steps, the
            // quotes are not part of it.
            t!(
                SHOULD_BE_ON,
                r#"(?:ユーザーが )?"?([^\s"]+)"? を表示していること"#
            ),
            t!(
                SHOULD_BE_ON_HOMEPAGE,
                r"(?:ユーザーが )?ホームページを表示していること"
            ),
            t!(URL_MATCHES, r"(?i:url)が Q にマッチすること"),
            t!(
                ELEMENT_CONTAINS,
                r"Q エレメントに Q という値が含まれていること"
            ),
            t!(
                ELEMENT_NOT_CONTAINS,
                r"Q エレメントに Q という値が含まれていないこと"
            ),
            t!(
                SEE_IN_ELEMENT,
                r"Q エレメントに Q と表示されていること",
                [1, 0]
            ),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"Q エレメントに Q と表示されていないこと",
                [1, 0]
            ),
            t!(SEE_ELEMENT, r"(?:画面に )?Q エレメントが表示されていること"),
            t!(
                NOT_SEE_ELEMENT,
                r"(?:画面に )?Q エレメントが表示されていないこと"
            ),
            t!(
                SEE_ELEMENTS,
                r"(?:画面に )?N 個の Q エレメントが表示されていること"
            ),
            t!(STATUS, r"レスポンスコードが N であること"),
            t!(STATUS_NOT, r"レスポンスコードが N ではないこと"),
            t!(PRINT, r"最後のレスポンスを表示"),
            t!(PRINT, r"最後のレスポンスをブラウザで表示"),
            t!(PRINT, r"現在のURLを表示"),
            t!(
                SEE_MATCHING,
                r#"(?:画面に )?"Q" にマッチするテキストが表示されていること"#
            ),
            t!(
                NOT_SEE_MATCHING,
                r#"(?:画面に )?"Q" にマッチするテキストが表示されていないこと"#
            ),
        ],
    },
    Language {
        code: "nl",
        name: "Dutch",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"dat (?:ik )?op de homepage ben"),
            t!(GO_TO_HOMEPAGE, r"(?:ik )?naar de homepage ga"),
            t!(AM_ON, r"dat (?:ik )?op Q ben"),
            t!(GO_TO, r"(?:ik )?naar Q ga"),
            t!(RELOAD, r"(?:ik )?de pagina herlaad"),
            t!(BACK, r"(?:ik )?een pagina terugga"),
            t!(FORWARD, r"(?:ik )?een pagina vooruit ga"),
            t!(PRESS, r"(?:ik )?druk op Q"),
            t!(FOLLOW, r"(?:ik )?Q volg"),
            t!(FILL_IN_WITH, r"(?:ik )?het veld Q invul met Q"),
            t!(FILL_IN_WITH_DOC, r"(?:ik )?het veld Q invul met:"),
            t!(FILL_IN_FOR, r"(?:ik )?de waarde Q invul in Q"),
            t!(FILL_IN_TABLE, r"(?:ik )?het volgende invul:"),
            t!(SELECT, r"(?:ik )?de optie Q selecteer voor Q"),
            t!(
                SELECT_ALSO,
                r"(?:ik )?daarnaast de optie Q selecteer voor Q"
            ),
            t!(CHECK, r"(?:ik )?Q aanvink"),
            t!(UNCHECK, r"(?:ik )?Q uitvink"),
            t!(ATTACH, r"(?:ik )?het bestand Q toevoeg aan Q"),
            t!(SEE, r"moet (?:ik )?Q zien"),
            t!(SEE_MATCHING, r"moet (?:ik )?de volgende tekst zien Q"),
            t!(
                NOT_SEE_MATCHING,
                r"moet (?:ik )?de volgende tekst niet zien Q"
            ),
            t!(RESPONSE_CONTAINS, r"moet het antwoord Q bevatten"),
            t!(NOT_SEE, r"moet (?:ik )?niet Q zien"),
            t!(RESPONSE_NOT_CONTAINS, r"moet het antwoord Q niet bevatten"),
            t!(FIELD_CONTAINS, r"moet Q Q bevatten"),
            t!(FIELD_NOT_CONTAINS, r"moet Q Q niet bevatten"),
            t!(CHECKBOX_SHOULD_BE_CHECKED, r"moet Q aangevinkt zijn"),
            t!(CHECKBOX_IS_CHECKED, r"Q (?:is|zou moeten zijn) aangevinkt"),
            // Mink has this pattern twice, for `the checkbox "…" should (?:be unchecked|not be
            // checked)` as well: one action, listed once.
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"moet Q niet aangevinkt zijn"
            ),
            t!(CHECKBOX_IS_UNCHECKED, r"Q is niet aangevinkt"),
            t!(SHOULD_BE_ON, r"moet (?:ik )?op Q zijn"),
            t!(SHOULD_BE_ON_HOMEPAGE, r"moet (?:ik )?op de homepage zijn"),
            t!(URL_MATCHES, r"moet de url overeenkomen met Q"),
            t!(ELEMENT_CONTAINS, r"moet het element Q Q bevatten"),
            t!(ELEMENT_NOT_CONTAINS, r"moet het element Q niet Q bevatten"),
            t!(SEE_IN_ELEMENT, r"moet (?:ik )?Q zien in Q"),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"moet (?:ik )?de tekst Q niet zien in Q"
            ),
            t!(SEE_ELEMENT, r"moet (?:ik )?een element Q zien"),
            t!(NOT_SEE_ELEMENT, r"moet (?:ik )?een element Q niet zien"),
            t!(SEE_ELEMENTS, r"moet (?:ik )?N Q elementen zien"),
            t!(STATUS, r"moet de statuscode van het antwoord N zijn"),
            t!(
                STATUS_NOT,
                r"moet de statuscode van het antwoord niet N zijn"
            ),
            t!(PRINT, r"print huidige URL"),
            t!(PRINT, r"print het laatste antwoord"),
            t!(PRINT, r"toon het laatste antwoord"),
        ],
    },
    Language {
        code: "pl",
        name: "Polish",
        translations: &[
            t!(AM_ON, r"(?:że )?jestem na stronie Q"),
            t!(GO_TO, r"(?:że )?odwiedzę stronę Q"),
            t!(RELOAD, r"(?:że )?odświeżę stronę"),
            t!(BACK, r"(?:że )?cofnę się do poprzedniej strony"),
            t!(FORWARD, r"(?:że )?przejdę na kolejną stronę"),
            t!(PRESS, r"(?:że )?nacisnę przycisk Q"),
            t!(FOLLOW, r"(?:że )?kliknę na link Q"),
            t!(FILL_IN_WITH, r"(?:że )?wypełnię pole Q wartością Q"),
            t!(FILL_IN_FOR, r"(?:że )?wpiszę Q w polu Q"),
            t!(FILL_IN_TABLE, r"(?:że )?wypełnię następujące pola:"),
            t!(SELECT, r"(?:że )?wybiorę opcję Q w polu Q"),
            t!(SELECT_ALSO, r"(?:że )?dodatkowo zaznaczę opcję Q w polu Q"),
            t!(CHECK, r"(?:że )?zaznaczę opcję Q"),
            t!(UNCHECK, r"(?:że )?odznaczę opcję Q"),
            t!(ATTACH, r"(?:że )?załączę plik Q w polu Q"),
            t!(SEE, r"(?:że )?zobaczę tekst Q"),
            t!(RESPONSE_CONTAINS, r"odpowiedź powinna zawierać tekst Q"),
            t!(NOT_SEE, r"(?:że )?nie zobaczę tekstu Q"),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"odpowiedź nie powinna zawierać tekstu Q"
            ),
            t!(FIELD_CONTAINS, r"pole Q powinno zawierać wartość Q"),
            t!(
                FIELD_NOT_CONTAINS,
                r"pole Q nie powinno zawierać wartości Q"
            ),
            t!(CHECKBOX_SHOULD_BE_CHECKED, r"pole Q jest zaznaczone"),
            t!(CHECKBOX_SHOULD_NOT_BE_CHECKED, r"pole Q jest odznaczone"),
            t!(SHOULD_BE_ON, r"(?:że )?powinienem być na stronie Q"),
            t!(URL_MATCHES, r"(?:url|adres) powinien odpowiadać Q"),
            t!(ELEMENT_CONTAINS, r"element Q powinien zawierać Q"),
            t!(
                SEE_IN_ELEMENT,
                r"(?:że )?powinienem widzieć Q wewnątrz elementu Q"
            ),
            t!(SEE_ELEMENT, r"(?:że )?powinienem widzieć element Q"),
            t!(
                NOT_SEE_ELEMENT,
                r"(?:że )?nie powinienem widzieć elementu Q"
            ),
            t!(
                SEE_ELEMENTS,
                r"(?:że )?powinienem widzieć N element(?:y|ów)? Q"
            ),
            t!(STATUS, r"kod statusu odpowiedzi powinien być równy N"),
            t!(
                STATUS_NOT,
                r"kod statusu odpowiedzi nie powinien być równy N"
            ),
            t!(PRINT, r"wypisz ostatnią odpowiedź"),
            t!(PRINT, r"pokaż ostatnią odpowiedź"),
        ],
    },
    Language {
        code: "pt-br",
        name: "Brazilian Portuguese",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"(?:Eu )?estou na página inicial"),
            t!(GO_TO_HOMEPAGE, r"(?:Eu )?vou à página inicial"),
            t!(AM_ON, r"(?:Eu )?estou em Q"),
            t!(GO_TO, r"(?:Eu )?vou à Q"),
            t!(RELOAD, r"(?:Eu )?recarrego a página"),
            t!(BACK, r"(?:Eu )?volto uma página"),
            t!(FORWARD, r"(?:Eu )?avanço uma página"),
            t!(PRESS, r"(?:Eu )?pressiono o botão Q"),
            t!(FOLLOW, r"(?:Eu )?sigo o link Q"),
            t!(FILL_IN_WITH, r"(?:Eu )?preencho o campo Q com Q"),
            t!(FILL_IN_WITH_DOC, r"(?:Eu )?preencho o campo Q com:"),
            t!(FILL_IN_FOR, r"(?:Eu )?preencho o valor Q no campo Q"),
            t!(FILL_IN_TABLE, r"(?:Eu )?preencho os seguintes valores:"),
            t!(SELECT, r"(?:Eu )?seleciono a opção Q no campo Q"),
            t!(SELECT_ALSO, r"(?:Eu )?seleciono também Q no campo Q"),
            t!(CHECK, r"(?:Eu )?marco a opção Q"),
            t!(UNCHECK, r"(?:Eu )?desmarco a opção Q"),
            t!(ATTACH, r"(?:Eu )?anexo o arquivo Q no campo Q"),
            t!(SEE, r"(?:Eu )?devo ver o texto Q"),
            t!(SEE_MATCHING, r"(?:Eu )?devo ver o texto que coincide com Q"),
            t!(
                NOT_SEE_MATCHING,
                r"(?:Eu )?não devo ver o texto que coincide com Q"
            ),
            t!(RESPONSE_CONTAINS, r"a resposta deve conter Q"),
            t!(NOT_SEE, r"(?:Eu )?não devo ver o texto Q"),
            t!(RESPONSE_NOT_CONTAINS, r"a resposta não deve conter Q"),
            t!(FIELD_CONTAINS, r"o campo Q deve conter o valor Q"),
            t!(FIELD_NOT_CONTAINS, r"o campo Q não deve conter o valor Q"),
            t!(CHECKBOX_SHOULD_BE_CHECKED, r"o checkbox Q deve ser marcado"),
            t!(CHECKBOX_IS_CHECKED, r"o checkbox Q deve estar marcado"),
            t!(
                CHECKBOX_SHOULD_BE_UNCHECKED,
                r"o checkbox Q deve ser desmarcado"
            ),
            t!(CHECKBOX_IS_UNCHECKED, r"o checkbox Q deve estar desmarcado"),
            t!(SHOULD_BE_ON, r"(?:Eu )?devo estar em Q"),
            t!(
                SHOULD_BE_ON_HOMEPAGE,
                r"(?:Eu )?devo estar na página inicial"
            ),
            t!(URL_MATCHES, r"a url deve coincidir com Q"),
            t!(ELEMENT_CONTAINS, r"o elemento Q deve conter Q"),
            t!(ELEMENT_NOT_CONTAINS, r"o elemento Q não deve conter Q"),
            t!(
                SEE_IN_ELEMENT,
                r"(?:Eu )?eu devo ver o texto Q no elemento Q"
            ),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:Eu )?não devo ver o texto Q no elemento Q"
            ),
            t!(SEE_ELEMENT, r"(?:Eu )?devo ver o elemento Q"),
            t!(NOT_SEE_ELEMENT, r"(?:Eu )?não devo ver o elemento Q"),
            t!(SEE_ELEMENTS, r"(?:Eu )?devo ver N elementos? Q"),
            t!(STATUS, r"o código da resposta deve ser N"),
            t!(STATUS_NOT, r"o código da resposta não deve ser N"),
            t!(PRINT, r"imprimir url atual"),
            t!(PRINT, r"imprimir última resposta"),
            t!(PRINT, r"mostrar última resposta"),
        ],
    },
    Language {
        code: "pt",
        name: "Portuguese",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"(?:Eu )?estou na página de entrada"),
            t!(GO_TO_HOMEPAGE, r"(?:Eu )?vou para a página de entrada"),
            t!(AM_ON, r"(?:Eu )?estou em Q"),
            t!(GO_TO, r"(?:Eu )?vou para Q"),
            t!(RELOAD, r"(?:Eu )?recarrego a página"),
            t!(BACK, r"(?:Eu )?voltei uma página"),
            t!(FORWARD, r"(?:Eu )?avancei uma página"),
            t!(PRESS, r"(?:Eu )?pressiono Q"),
            t!(FOLLOW, r"(?:Eu )?sigo o link Q"),
            t!(FILL_IN_WITH, r"(?:Eu )?preencho Q com Q"),
            t!(FILL_IN_FOR, r"(?:Eu )?preencho Q para Q"),
            t!(FILL_IN_TABLE, r"(?:Eu )?preencho o seguinte:"),
            t!(SELECT, r"(?:Eu )?seleciono Q de Q"),
            t!(SELECT_ALSO, r"(?:Eu )?seleciono também Q de Q"),
            t!(CHECK, r"(?:Eu )?marco Q"),
            t!(UNCHECK, r"(?:Eu )?desmarco Q"),
            t!(ATTACH, r"(?:Eu )?anexo o arquivo Q ao Q"),
            t!(SEE, r"(?:Eu )?devo ver Q"),
            t!(SEE_MATCHING, r"(?:Eu )?devo ver o texto que coincide com Q"),
            t!(
                NOT_SEE_MATCHING,
                r"(?:Eu )?não devo ver o texto que coincide com Q"
            ),
            t!(RESPONSE_CONTAINS, r"a resposta deve conter Q"),
            t!(NOT_SEE, r"(?:Eu )?não devo ver Q"),
            t!(RESPONSE_NOT_CONTAINS, r"a resposta não deve conter Q"),
            t!(FIELD_CONTAINS, r"o campo Q deve conter Q"),
            t!(FIELD_NOT_CONTAINS, r"o campo Q não deve conter Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"o checkbox Q deve (?:ser|estar) marcado"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"o checkbox Q não deve (?:ser|estar) marcado"
            ),
            t!(SHOULD_BE_ON, r"(?:Eu )?devo estar em Q"),
            t!(URL_MATCHES, r"a (?i:url) deve coincidir com Q"),
            t!(ELEMENT_CONTAINS, r"o elemento Q deve conter Q"),
            t!(SEE_IN_ELEMENT, r"(?:Eu )?devo ver Q no elemento Q"),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:Eu )?não deveria de ver Q no elemento Q"
            ),
            t!(SEE_ELEMENT, r"(?:Eu )?devo ver um elemento Q"),
            t!(NOT_SEE_ELEMENT, r"(?:Eu )?não devo ver um elemento Q"),
            t!(SEE_ELEMENTS, r"(?:Eu )?devo ver N elementos? Q"),
            t!(STATUS, r"o código de status da resposta deve ser N"),
            t!(STATUS_NOT, r"o código de status da resposta não deve ser N"),
            t!(PRINT, r"imprimir última resposta"),
            t!(PRINT, r"mostrar última resposta"),
        ],
    },
    Language {
        code: "ro",
        name: "Romanian",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"(?:Eu )?sunt pe prima pagina"),
            t!(GO_TO_HOMEPAGE, r"(?:Eu )?accesez prima pagina"),
            t!(AM_ON, r"(?:Eu )?sunt pe pagina Q"),
            t!(GO_TO, r"(?:Eu )?accesez Q"),
            t!(RELOAD, r"(?:Eu )?reîncarc pagina"),
            t!(BACK, r"(?:Eu )?mă întorc la pagina anterioară"),
            t!(FORWARD, r"(?:Eu )?merg la pagina următoare"),
            t!(PRESS, r"(?:Eu )?apăs Q"),
            t!(FOLLOW, r"(?:Eu )?urmez Q"),
            t!(FILL_IN_WITH, r"(?:Eu )?completez Q cu Q"),
            t!(FILL_IN_WITH_DOC, r"(?:Eu )?completez Q cu:"),
            t!(FILL_IN_FOR, r"(?:Eu )?completez cu Q pentru Q"),
            // Mink's has two spaces after "Eu"; one works too.
            t!(FILL_IN_TABLE, r"(?:Eu |Eu  )?completez următoarele:"),
            t!(SELECT, r"(?:Eu )?selectez Q din Q"),
            t!(SELECT_ALSO, r"(?:Eu )?selectez în plus Q din Q"),
            t!(CHECK, r"(?:Eu )?bifez Q"),
            t!(UNCHECK, r"(?:Eu )?debifez Q"),
            t!(ATTACH, r"(?:Eu )?atașez fișierul Q la Q"),
            t!(SEE, r"(?:Eu )?ar trebui să văd Q"),
            t!(
                SEE_MATCHING,
                r"(?:Eu )?ar trebui să văd un text care coincide cu Q"
            ),
            // Mink translates `should not see text matching` with the same words as `should see
            // text matching` (no "nu"): they read, and are kept, as the latter.
            t!(RESPONSE_CONTAINS, r"răspunsul ar trebui să conțină Q"),
            t!(NOT_SEE, r"(?:Eu )?nu ar trebui să văd Q"),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"răspunsul nu ar trebui să conțină Q"
            ),
            t!(FIELD_CONTAINS, r"câmpul Q ar trebui să conțină Q"),
            t!(FIELD_NOT_CONTAINS, r"câmpul Q nu ar trebui să conțină Q"),
            t!(CHECKBOX_SHOULD_BE_CHECKED, r"căsuța Q ar trebui bifată"),
            t!(CHECKBOX_IS_CHECKED, r"căsuța Q este bifată"),
            t!(
                CHECKBOX_SHOULD_BE_UNCHECKED,
                r"căsuța Q ar trebui să fie nebifată"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"căsuța Q ar trebui să nu fie bifată"
            ),
            t!(CHECKBOX_IS_UNCHECKED, r"căsuța Q este nebifată"),
            t!(SHOULD_BE_ON, r"(?:Eu )?ar trebui să fiu pe pagina Q"),
            t!(
                SHOULD_BE_ON_HOMEPAGE,
                r"(?:Eu )?ar trebui să fiu pe prima pagină"
            ),
            t!(URL_MATCHES, r"(?:url|адрес) ar trebui să aibă tiparul Q"),
            t!(ELEMENT_CONTAINS, r"elementul Q ar trebui să conțină Q"),
            t!(
                ELEMENT_NOT_CONTAINS,
                r"elementul Q ar trebui să nu conțină Q"
            ),
            t!(
                SEE_IN_ELEMENT,
                r"(?:Eu )?ar trebui să văd textul Q în elementul Q"
            ),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:Eu )?ar trebui să nu văd textul Q în elementul Q"
            ),
            t!(SEE_ELEMENT, r"(?:Eu )?ar trebui să văd un Q"),
            t!(NOT_SEE_ELEMENT, r"(?:Eu )?nu ar trebui să văd un? Q"),
            t!(
                SEE_ELEMENTS,
                r"(?:Eu )?ar trebui să văd N element(?:e|а)? Q"
            ),
            t!(STATUS, r"codul de răspuns ar trebui să fie N"),
            t!(STATUS_NOT, r"codul de răspuns nu ar trebui să fie N"),
            t!(PRINT, r"afișează URL-ul curent"),
            t!(PRINT, r"afișează ultimul răspuns"),
            t!(PRINT, r"arată ultimul răspuns"),
        ],
    },
    Language {
        code: "ru",
        name: "Russian",
        translations: &[
            t!(AM_ON_HOMEPAGE, r"(?:я )?на главной странице"),
            t!(GO_TO_HOMEPAGE, r"(?:я )?перехожу на главную страницу"),
            t!(AM_ON, r"(?:я )?на странице Q"),
            t!(GO_TO, r"(?:я )?перехожу на Q"),
            t!(RELOAD, r"(?:я )?обновляю страницу"),
            t!(BACK, r"(?:я )?перехожу на одну страницу назад"),
            t!(FORWARD, r"(?:я )?перехожу на одну страницу вперед"),
            t!(PRESS, r"(?:я )?нажимаю Q"),
            t!(FOLLOW, r"(?:я )?кликаю по ссылке Q"),
            t!(FILL_IN_WITH, r"(?:я )?заполняю поле Q значением Q"),
            t!(FILL_IN_WITH_DOC, r"(?:я )?заполняю поле Q значениями:"),
            t!(FILL_IN_FOR, r"(?:я )?ввожу Q в поле Q"),
            t!(FILL_IN_TABLE, r"(?:я )?ввожу следующие значения:"),
            t!(SELECT, r"(?:я )?выбираю Q в поле Q"),
            t!(SELECT_ALSO, r"(?:я )?дополнительно выбираю Q в поле Q"),
            t!(CHECK, r"(?:я )?ставлю галочку Q"),
            t!(UNCHECK, r"(?:я )?снимаю галочку Q"),
            t!(ATTACH, r"(?:я )?выбираю файл Q в поле Q"),
            t!(SEE, r"(?:я )?должен видеть Q"),
            t!(
                SEE_MATCHING,
                r"(?:я )?должен видеть текст соответствующий Q"
            ),
            t!(
                NOT_SEE_MATCHING,
                r"(?:я )?не должен видеть текст соответствующий Q"
            ),
            t!(RESPONSE_CONTAINS, r"тело ответа должно содержать Q"),
            t!(NOT_SEE, r"(?:я )?не должен видеть Q"),
            t!(RESPONSE_NOT_CONTAINS, r"тело ответа не должно содержать Q"),
            t!(FIELD_CONTAINS, r"поле Q должно содержать Q"),
            t!(FIELD_NOT_CONTAINS, r"поле Q не должно содержать Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"галочка Q должна быть отмечена"
            ),
            t!(CHECKBOX_IS_CHECKED, r"галочка Q отмечена"),
            t!(
                CHECKBOX_SHOULD_BE_UNCHECKED,
                r"галочка Q не должна быть отмечена"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"галочка Q должна быть не отмечена"
            ),
            t!(CHECKBOX_IS_UNCHECKED, r"галочка Q не отмечена"),
            t!(SHOULD_BE_ON, r"(?:я )?должен быть на странице Q"),
            t!(
                SHOULD_BE_ON_HOMEPAGE,
                r"(?:я )?должен быть на главной странице"
            ),
            t!(URL_MATCHES, r"(?:url|адрес) должен соответствовать Q"),
            t!(ELEMENT_CONTAINS, r"элемент Q должен содержать Q"),
            t!(ELEMENT_NOT_CONTAINS, r"элемент Q не должен содержать Q"),
            t!(SEE_IN_ELEMENT, r"(?:я )?должен видеть Q внутри элемента Q"),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"(?:я )?не должен видеть Q внутри элемента Q"
            ),
            t!(SEE_ELEMENT, r"(?:я )?должен видеть элемент Q"),
            t!(NOT_SEE_ELEMENT, r"(?:я )?не должен видеть элемент Q"),
            t!(SEE_ELEMENTS, r"(?:я )?должен видеть N элемент(?:ов|а)? Q"),
            t!(STATUS, r"код ответа сервера должен быть N"),
            t!(STATUS_NOT, r"код ответа сервера не должен быть N"),
            t!(PRINT, r"покажи текущий URL"),
            t!(PRINT, r"выведи последний ответ сервера"),
            t!(PRINT, r"покажи последний ответ сервера"),
        ],
    },
    Language {
        code: "sk",
        name: "Slovak",
        translations: &[
            // `som na "…"` is this and `should be on` (below), as in Behat: ambiguous.
            t!(AM_ON, r"(?:nachádzam sa|som) na(?: stránke)? Q"),
            t!(GO_TO, r"(?:prej|pôj)dem na(?: stránku)? Q"),
            t!(RELOAD, r"obnovím stránku"),
            t!(BACK, r"(?:prej|pôj)dem o jednu stránku (?:na)?späť"),
            t!(
                FORWARD,
                r"(?:prej|pôj)dem o jednu stránku (?:vpred|vopred|dopredu)"
            ),
            t!(
                PRESS,
                r"(?:stlačím|stisnem|kliknem na) (?:tlačídko|tlačidlo|tlačítko) Q"
            ),
            t!(FOLLOW, r"kliknem na(?:| odkaz| link) Q"),
            // `vyplním "…" hodnotou "…"` is both of these, as in Behat: ambiguous.
            t!(
                FILL_IN_WITH,
                r"(?:zadám do|vyplním) Q (?:hodnotou|hodnotu) Q"
            ),
            t!(FILL_IN_FOR, r"(?:zadám|vyplním) Q (?:hodnotu|hodnotou) Q"),
            t!(FILL_IN_TABLE, r"vyplním formulár(?: nasledujúco)?:"),
            t!(SELECT, r"(?:vyberiem|zvolím)(?: možnosť)? Q z Q"),
            t!(SELECT_ALSO, r"ešte (?:vyberiem|zvolím)(?: možnosť)? Q z Q"),
            t!(CHECK, r"(?:zaškrtnem|označím) Q"),
            t!(UNCHECK, r"(?:odškrtnem|odznačím) Q"),
            t!(
                ATTACH,
                r"(?:vyberiem|zvolím|zadám|nahrajem|načítam) súbor Q do Q"
            ),
            t!(
                SEE,
                r"(?:by som mal(?:a)?|mal(?:a)? by som|musím) (?:u)?vidieť(?:| text| hlášku| správu) Q"
            ),
            t!(
                SEE_MATCHING,
                r"(?:mal(?:a)? by som|by som mal(?:a)?|musím) (?:u)?vidieť(?:| text| hlášku| správu) zodpovedajúcu(?: vzoru)? Q"
            ),
            t!(
                NOT_SEE_MATCHING,
                r"(?:nemal(?:a)? by som|by som nemal(?:a)?|nesmiem) (?:u)?vidieť(?:| text| hlášku| správu) zodpovedajúcu(?: vzoru)? Q"
            ),
            t!(
                RESPONSE_CONTAINS,
                r"(?:odpoveď|stránka) (?:musí|by mala) obsahovať(?: text)? Q"
            ),
            // Mink's closes its first group early (`nemal(?:a)?)|nesmiem)`, not a regex): closed
            // where its other "should not" patterns close it.
            t!(
                NOT_SEE,
                r"(?:nemal(?:a)? by som|by som nemal(?:a)?|nesmiem) (?:u)?vidieť(?: text)? Q"
            ),
            t!(
                RESPONSE_NOT_CONTAINS,
                r"(?:odpoveď|stránka) (?:by nemala|nesmie) obsahovať(?: text)? Q"
            ),
            t!(
                FIELD_CONTAINS,
                r"pole Q (?:musí obsahovať|malo by obsahovať|by malo obsahovať|obsahuje)(?:| text| hodnotu) Q"
            ),
            t!(
                FIELD_NOT_CONTAINS,
                r"pole Q (?:nesmie obsahovať|nemalo by obsahovať|by nemalo obsahovať|neobsahuje)(?:| text| hodnotu) Q"
            ),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"(?:pole|políčko|zaškrtávacie pole|zaškrtávacie políčko) Q (?:by malo byť|je) (?:zaškrtnuté|označené)"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"(?:pole|políčko|zaškrtávacie pole|zaškrtávacie políčko) Q (?:by nemalo byť|nie je) (?:zaškrtnuté|označené)"
            ),
            t!(
                SHOULD_BE_ON,
                r"(?:mal(?:a)? by som byť|by som mal(?:a)? byť|som|musím byť) na(?: stránke)? Q"
            ),
            t!(
                URL_MATCHES,
                r"(?:url|adresa|link) (?:by mal(?:a)?|mal(?:a)? by|musí) zodpovedať(?: vzoru)? Q"
            ),
            t!(
                ELEMENT_CONTAINS,
                r"element Q (?:by mal|mal by|musí) obsahovať(?:| text| hodnotu) Q"
            ),
            t!(
                SEE_IN_ELEMENT,
                r"(?:mal(?:a)? by som|by som mal(?:a)?|musím) (?:u)?vidieť(?:| text| hodnotu| hlášku| správu) Q v elemente Q"
            ),
            t!(
                SEE_ELEMENT,
                r"(?:mal(?:a)? by|by som mal(?:a)?|musím) (?:u)?vidieť element Q"
            ),
            t!(
                NOT_SEE_ELEMENT,
                r"(?:nemal(?:a)? by som|by som nemal(?:a)?|nesmiem) (?:u)?vidieť element Q"
            ),
            t!(
                SEE_ELEMENTS,
                r"(?:mal(?:a)? by som|by som mal(?:a)?|musím) (?:u)?vidieť N elementov Q"
            ),
            t!(
                STATUS,
                r"(?:stavový )?kód odpovede (?:je|by mal byť|musí byť) N"
            ),
            t!(
                STATUS_NOT,
                r"(?:stavový )?kód odpovede (?:nie je|by nemal byť|nesmie byť) N"
            ),
            t!(PRINT, r"vyťlač poslednú odpoveď"),
            t!(PRINT, r"ukáž poslednú odpoveď"),
        ],
    },
    Language {
        code: "sv",
        name: "Swedish",
        translations: &[
            t!(AM_ON, r"(?:jag )?är på Q"),
            t!(GO_TO, r"(?:jag )?gå till Q"),
            t!(RELOAD, r"(?:jag )?ladda om sidan"),
            t!(BACK, r"(?:jag )?gå tillbaka en sida"),
            t!(FORWARD, r"(?:jag )?gå en sida framåt"),
            t!(PRESS, r"(?:jag )?trycka Q"),
            t!(FOLLOW, r"(?:jag )?följa Q"),
            t!(FILL_IN_WITH, r"(?:jag )?fylla in Q med Q"),
            t!(FILL_IN_FOR, r"(?:jag )?fylla in Q för Q"),
            t!(FILL_IN_TABLE, r"(?:jag )?fylla in följande:"),
            t!(SELECT, r"(?:jag )?välja Q från Q"),
            t!(CHECK, r"(?:jag )?markera Q"),
            t!(UNCHECK, r"(?:jag )?avmarkera Q"),
            t!(ATTACH, r"(?:jag )?bifoga filen Q till Q"),
            t!(SEE, r"(?:jag )?skulle se Q"),
            t!(RESPONSE_CONTAINS, r"responsen skulle innehålla Q"),
            t!(NOT_SEE, r"(?:jag )?skulle inte se Q"),
            t!(RESPONSE_NOT_CONTAINS, r"responsen skulle inte innehålla Q"),
            t!(FIELD_CONTAINS, r"fältet Q skulle inehålla Q"),
            t!(FIELD_NOT_CONTAINS, r"fältet Q skulle inte innehålla Q"),
            t!(
                CHECKBOX_SHOULD_BE_CHECKED,
                r"kryssrutan Q skulle vara markerat"
            ),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"kryssrutan Q skulle inte vara markerat"
            ),
            t!(SHOULD_BE_ON, r"(?:jag )?skulle vara på Q"),
            t!(URL_MATCHES, r"webbadressen skulle matcha Q"),
            t!(ELEMENT_CONTAINS, r"elementen Q skulle innehålla Q"),
            t!(SEE_IN_ELEMENT, r"(?:jag )?skulle se Q i Q elementet"),
            t!(SEE_ELEMENT, r"(?:jag )?skulle se ett Q element"),
            t!(NOT_SEE_ELEMENT, r"(?:jag )?skulle inte se ett Q element"),
            t!(STATUS, r"status code responsen skulle vara N"),
            t!(PRINT, r"skriva ut sista respons"),
            t!(PRINT, r"visa sista respons"),
        ],
    },
    Language {
        code: "zh-CN",
        name: "Simplified Chinese",
        translations: &[
            t!(AM_ON, r"(?:我)?打开了“(\S+)”"),
            t!(GO_TO, r"(?:我)?转到了“(\S+)”"),
            t!(RELOAD, r"(?:我)?重新刷新了该网页"),
            t!(BACK, r"(?:我)?后退了一页"),
            t!(FORWARD, r"(?:我)?前进了一页"),
            t!(PRESS, r"(?:我)?点击了“([^”]*)”按钮"),
            t!(FOLLOW, r"(?:我)?点击了“([^”]*)”链接"),
            t!(FILL_IN_WITH, r"(?:我)?在“([^”]*)”文本框内填写了“([^”]*)”"),
            t!(FILL_IN_FOR, r"(?:我)?内填写了“([^”]*)”到“([^”]*)”文本框"),
            t!(FILL_IN_TABLE, r"(?:我)?使用以下数据输入:"),
            t!(
                SELECT,
                r"(?:我)?在“([^”]*)”选择框里面选择了“([^”]*)”",
                [1, 0]
            ),
            t!(
                SELECT_ALSO,
                r"(?:我)?在“([^”]*)”选择框里面添加了“([^”]*)”选择",
                [1, 0]
            ),
            t!(CHECK, r"(?:我)?选中了“([^”]*)”选项"),
            t!(UNCHECK, r"(?:我)?取消了“([^”]*)”选项"),
            t!(ATTACH, r"(?:我)?添加了文件“([^”]*)”到“([^”]*)”文件选择框"),
            t!(SEE, r"(?:我)?应该可以看见包含“([^”]*)”的内容"),
            t!(RESPONSE_CONTAINS, r"响应应该包含“([^”]*)”的内容"),
            t!(NOT_SEE, r"(?:我)?应该不能看见包含“([^”]*)”的内容"),
            t!(RESPONSE_NOT_CONTAINS, r"响应不应该包含“([^”]*)”的内容"),
            t!(FIELD_CONTAINS, r"“([^”]*)”文本框应该包含值“([^”]*)”"),
            t!(FIELD_NOT_CONTAINS, r"“([^”]*)”文本框应该不包含值“([^”]*)”"),
            t!(CHECKBOX_SHOULD_BE_CHECKED, r"“([^”]*)”选项框应该已经选中了"),
            t!(
                CHECKBOX_SHOULD_NOT_BE_CHECKED,
                r"“([^”]*)”选项框应该还没有选中"
            ),
            t!(SHOULD_BE_ON, r"(?:我)?应该到了“(\S+)”"),
            t!(URL_MATCHES, r"(?i:url) 应该匹配“Q”"),
            t!(ELEMENT_CONTAINS, r"“([^”]*)”元素应该包含“([^”]*)”内容"),
            t!(SEE_IN_ELEMENT, r"“([^”]*)”元素应该有“([^”]*)”内容", [1, 0]),
            t!(
                NOT_SEE_IN_ELEMENT,
                r"“([^”]*)”元素应该没有“([^”]*)”内容",
                [1, 0]
            ),
            t!(SEE_ELEMENT, r"(?:我)?应该可以看见“([^”]*)”元素"),
            t!(NOT_SEE_ELEMENT, r"(?:我)?应该不能看见“([^”]*)”元素"),
            t!(SEE_ELEMENTS, r"(?:我)?应该可以看见 N 个“([^”]*)”元素"),
            t!(STATUS, r"返回状态代码应该是 N"),
            t!(STATUS_NOT, r"返回状态代码应该不是 N"),
            t!(PRINT, r"打印最后一次响应"),
            t!(PRINT, r"显示最后一次响应"),
            t!(SEE_MATCHING, r"(?:我)?应该可以看见文本内容匹配“Q”"),
            t!(NOT_SEE_MATCHING, r"(?:我)?应该可以看见文本内容不匹配“Q”"),
        ],
    },
];

/// The language a feature file declares, read as Gherkin reads it: `# language: xx` as its first
/// line that is not blank; empty when it declares none.
pub fn declared_language(source: &str) -> &str {
    source
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .and_then(|l| l.strip_prefix('#'))
        .and_then(|l| l.trim_start().strip_prefix("language"))
        .and_then(|l| l.trim_start().strip_prefix(':'))
        .map_or("", str::trim)
}

/// The languages whose translations a declared language has, its own first: then a regional
/// variant's or its base's (`pt` has `pt-br`'s too: Gherkin knows only `pt`). None for English.
fn applicable(declared: &str) -> Vec<usize> {
    let declared = declared.to_ascii_lowercase().replace('_', "-");
    if declared.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(bool, usize)> = LANGUAGES
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let code = l.code.to_ascii_lowercase();
            let related = code.starts_with(&format!("{declared}-"))
                || declared.starts_with(&format!("{code}-"));
            (code == declared || related).then_some((code != declared, i))
        })
        .collect();
    found.sort_unstable();
    found.into_iter().map(|(_, i)| i).collect()
}

/// The phrasings a step matches in the declared language's translations (a variant's only when
/// the language's own match none): the English phrasing's index, its values in the English
/// order, and the translated example.
pub(super) fn matches(language: &str, text: &str) -> Vec<(usize, Vec<String>, &'static str)> {
    let mut out: Vec<(usize, Vec<String>, &'static str)> = Vec::new();
    for language in applicable(language) {
        if !out.is_empty() {
            break;
        }
        let compiled = compiled(language);
        for i in compiled.set.matches(text).iter() {
            let Some(row) = compiled.rows.get(i) else {
                continue;
            };
            let Some(caps) = row.regex.captures(text) else {
                continue;
            };
            let mine: Vec<&str> = caps
                .iter()
                .skip(1)
                .map(|m| m.map_or("", |m| m.as_str()))
                .collect();
            let values: Vec<String> = (0..mine.len())
                .map(|k| {
                    let at = row.order.get(k).copied().unwrap_or(k);
                    unescape(mine.get(at).copied().unwrap_or_default())
                })
                .collect();
            if !out.iter().any(|o| (o.0, &o.1) == (row.phrase, &values)) {
                out.push((row.phrase, values, row.example.as_str()));
            }
        }
    }
    out
}

/// The declared language's examples, each with its shape, for the closest phrasings to an
/// unknown step.
pub(super) fn examples(language: &str) -> Vec<(&'static str, &'static str)> {
    applicable(language)
        .into_iter()
        .flat_map(|l| compiled(l).rows.iter())
        .map(|r| (r.shape.as_str(), r.example.as_str()))
        .collect()
}

struct Row {
    regex: Regex,
    /// The English phrasing's index in `vocabulary::phrases`.
    phrase: usize,
    order: &'static [usize],
    /// The English example said in this language, keyword `*`.
    example: String,
    shape: String,
}

struct Compiled {
    rows: Vec<Row>,
    set: RegexSet,
}

/// One language's translations compiled, when a feature file first declares it.
fn compiled(language: usize) -> &'static Compiled {
    static COMPILED: [OnceLock<Compiled>; LANGUAGES.len()] =
        [const { OnceLock::new() }; LANGUAGES.len()];
    COMPILED[language].get_or_init(|| compile(&LANGUAGES[language]))
}

fn compile(language: &Language) -> Compiled {
    let anchored: Vec<String> = language
        .translations
        .iter()
        .map(|t| format!("^{}$", placeholders(t.pattern)))
        .collect();
    // Every pattern is a constant checked by the tests below.
    let rows = language
        .translations
        .iter()
        .zip(&anchored)
        .map(|(t, pattern)| {
            let phrase = phrases()
                .iter()
                .position(|p| p.pattern == t.english)
                .unwrap_or_else(|| panic!("no English phrasing `{}`", t.english));
            let english = vocabulary::example_values(phrase);
            let mut values = vec![""; english.len()];
            for (k, value) in english.iter().enumerate() {
                if let Some(slot) = values.get_mut(t.order.get(k).copied().unwrap_or(k)) {
                    *slot = value;
                }
            }
            let step = render(t.pattern, &values);
            let mut example = format!("* {step}");
            for line in phrases()[phrase].example.lines().skip(1) {
                example.push('\n');
                example.push_str(line);
            }
            Row {
                regex: Regex::new(pattern).unwrap_or_else(|e| {
                    panic!(
                        "{} pattern `{}` does not compile: {e}",
                        language.code, t.pattern
                    )
                }),
                phrase,
                order: t.order,
                shape: shape(example_step(&example)),
                example,
            }
        })
        .collect();
    let set = RegexSet::new(&anchored).unwrap_or_else(|e| {
        panic!(
            "the {} patterns do not compile as a set: {e}",
            language.code
        )
    });
    Compiled { rows, set }
}

/// What a user writes for a pattern: of each group its first alternative that writes something,
/// optional parts written, `values` where it captures (`Q` quoted).
fn render(pattern: &str, values: &[&str]) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    group(&chars, &mut at, &mut values.iter())
}

/// A group's alternatives from `at` to its `)` (consumed) or the end; the one chosen.
fn group(chars: &[char], at: &mut usize, values: &mut std::slice::Iter<&str>) -> String {
    let mut chosen: Option<(String, std::slice::Iter<&str>)> = None;
    loop {
        let mut mine = values.clone();
        let text = sequence(chars, at, &mut mine);
        if chosen.as_ref().is_none_or(|(t, _)| t.is_empty()) {
            chosen = Some((text, mine));
        }
        match chars.get(*at) {
            Some('|') => *at += 1,
            Some(')') => {
                *at += 1;
                break;
            }
            _ => break,
        }
    }
    let (text, rest) = chosen.unwrap_or_default();
    *values = rest;
    text
}

/// One alternative, up to the `|` or `)` that ends it (not consumed).
fn sequence(chars: &[char], at: &mut usize, values: &mut std::slice::Iter<&str>) -> String {
    let mut out = String::new();
    while let Some(&c) = chars.get(*at) {
        match c {
            '|' | ')' => break,
            '\\' => {
                out.extend(chars.get(*at + 1));
                *at += 2;
            }
            '?' | '*' | '+' => *at += 1,
            '(' if chars.get(*at + 1) == Some(&'?') => {
                // `(?:…)`, `(?i:…)`: the group; `(?i)`: nothing.
                let end = chars[*at..]
                    .iter()
                    .position(|c| *c == ':' || *c == ')')
                    .map_or(chars.len(), |p| *at + p);
                *at = end + 1;
                if chars.get(end) == Some(&':') {
                    out.push_str(&group(chars, at, values));
                }
            }
            '(' => {
                skip_group(chars, at);
                out.push_str(values.next().copied().unwrap_or_default());
            }
            _ => {
                match placeholder_at(chars, *at) {
                    Some('Q') => {
                        out.push('"');
                        out.push_str(values.next().copied().unwrap_or_default());
                        out.push('"');
                    }
                    Some(_) => out.push_str(values.next().copied().unwrap_or_default()),
                    None => out.push(c),
                }
                *at += 1;
            }
        }
    }
    out
}

/// Past the group that opens at `at`, classes and escapes in it included.
fn skip_group(chars: &[char], at: &mut usize) {
    let mut depth = 0usize;
    let mut class = false;
    while let Some(&c) = chars.get(*at) {
        *at += 1;
        match c {
            '\\' => *at += 1,
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::spec::CommandSpec;
    use crate::model::vocabulary::{parse, Actions, Context, Extra, StepError};

    fn plugin(line: &str) -> Result<CommandSpec, String> {
        Ok(CommandSpec {
            program: line.into(),
            args: Vec::new(),
        })
    }

    /// An example (keyword, step, then doc string or table lines) parsed in a language.
    fn parse_example(example: &str, extra: Extra, language: &str) -> Result<Actions, StepError> {
        let example = crate::model::vocabulary::tests::Example::of(example);
        let written = example.written(extra);
        let context = Context {
            plugin: &plugin,
            dir: Path::new("/features"),
            language,
        };
        parse(&written, &context)
    }

    fn one(text: &str, language: &str) -> Result<Actions, StepError> {
        parse_example(&format!("* {text}"), Extra::None, language)
    }

    #[test]
    fn the_languages_are_those_mink_translates_into() {
        let codes: Vec<&str> = languages().iter().map(|l| l.code).collect();
        assert_eq!(
            codes,
            [
                "cs", "da", "de", "es", "fr", "hu", "id", "it", "ja", "nl", "pl", "pt-br", "pt",
                "ro", "ru", "sk", "sv", "zh-CN"
            ]
        );
    }

    /// Every translation names an English phrasing, has as many values, and says which is
    /// which once each.
    #[test]
    fn every_translation_maps_to_an_english_phrasing_value_for_value() {
        for language in languages() {
            for t in language.translations {
                let phrase = phrases().iter().position(|p| p.pattern == t.english);
                let Some(phrase) = phrase else {
                    panic!("{}: `{}` is no English phrasing", language.code, t.english);
                };
                let count = |pattern: &str| {
                    Regex::new(&format!("^{}$", placeholders(pattern)))
                        .map(|r| r.captures_len() - 1)
                        .unwrap_or_else(|e| panic!("{}: `{pattern}`: {e}", language.code))
                };
                let n = count(t.pattern);
                assert_eq!(
                    n,
                    count(phrases()[phrase].pattern),
                    "{}: `{}`",
                    language.code,
                    t.pattern
                );
                if !t.order.is_empty() {
                    let mut order = t.order.to_vec();
                    order.sort_unstable();
                    assert_eq!(order, (0..n).collect::<Vec<_>>(), "{}", t.pattern);
                }
            }
        }
    }

    /// In every language, each translation's example (the English example's values, in that
    /// language's order) parses to exactly the action its English example does, and to nothing
    /// else: no two phrasings of a language, nor an English one, overlap there.
    #[test]
    fn every_translated_example_parses_as_its_english_phrasing() {
        let mut wrong = Vec::new();
        for (l, language) in languages().iter().enumerate() {
            let rows = &compiled(l).rows;
            assert_eq!(rows.len(), language.translations.len());
            for row in rows {
                let english = &phrases()[row.phrase];
                let want = parse_example(english.example, english.extra, "")
                    .unwrap_or_else(|e| panic!("`{}`: {e:?}", english.example));
                match parse_example(&row.example, english.extra, language.code) {
                    Ok(got) if format!("{got:?}") == format!("{want:?}") => {}
                    Ok(got) => wrong.push(format!(
                        "{}: `{}` is {got:?}, not {want:?}",
                        language.code, row.example
                    )),
                    Err(e) => wrong.push(format!("{}: `{}`: {e:?}", language.code, row.example)),
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn values_in_another_order_go_where_english_has_them() {
        let select = one("在“shipping”选择框里面选择了“Express”", "zh-CN").expect("parses");
        assert_eq!(
            format!("{select:?}"),
            format!(
                "{:?}",
                one(r#"I select "Express" from "shipping""#, "").expect("parses")
            )
        );
        let element = one(
            r#""footer" エレメントに "Imprint" と表示されていること"#,
            "ja",
        );
        assert_eq!(
            format!("{:?}", element.expect("parses")),
            format!(
                "{:?}",
                one(r#"I should see "Imprint" in the "footer" element"#, "").expect("parses")
            )
        );
    }

    #[test]
    fn english_applies_in_every_language_and_translations_only_in_theirs() {
        assert!(one(r#"I should see "Bonjour""#, "fr").is_ok());
        assert!(one(r#"je devrais voir "Bonjour""#, "fr").is_ok());
        assert!(one(r#"je devrais voir "Bonjour""#, "").is_err());
        assert!(one(r#"je devrais voir "Bonjour""#, "es").is_err());
        // Gherkin's Portuguese is `pt`: Brazilian phrasings apply there too.
        assert!(one(r#"Eu pressiono o botão "Entrar""#, "pt").is_ok());
        assert!(one(r#"Eu pressiono "Entrar""#, "pt").is_ok());
        // Matching is exact, as Mink's: accents and case as written.
        assert!(one(r#"je devrais voir "Bonjour""#, "FR").is_ok());
        assert!(one(r#"Je devrais voir "Bonjour""#, "fr").is_err());
        assert!(one(r#"la reponse devrait contenir "ok""#, "fr").is_err());
    }

    #[test]
    fn unknown_steps_get_the_closest_phrasings_of_their_language_too() {
        let Err(StepError::Unknown { closest }) = one(r#"je devrai voir "Bonjour""#, "fr") else {
            panic!("expected unknown");
        };
        assert_eq!(closest[0], r#"* je devrais voir "Hello, shopper""#);
        let Err(StepError::Unknown { closest }) = one(r#"I shuold see "Welcome""#, "fr") else {
            panic!("expected unknown");
        };
        assert_eq!(closest[0], r#"Then I should see "Hello, shopper""#);
    }

    /// Where Mink's translations overlap, the step is ambiguous, as in Behat.
    #[test]
    fn overlapping_translations_stay_ambiguous() {
        let Err(StepError::Ambiguous(examples)) = one(r#"vyplním "Meno" hodnotou "Bob""#, "sk")
        else {
            panic!("expected ambiguous");
        };
        assert_eq!(
            examples,
            [
                r#"* zadám do "user" hodnotou "bob""#,
                r#"* zadám "bob" hodnotu "user""#
            ]
        );
        assert!(matches!(
            one(r#"som na stránke "/login""#, "sk"),
            Err(StepError::Ambiguous(_))
        ));
    }

    #[test]
    fn the_declared_language_is_read_as_gherkin_reads_it() {
        assert_eq!(declared_language("# language: fr\nFonctionnalité: x"), "fr");
        assert_eq!(declared_language("\u{feff}\n  #language:zh-CN \n"), "zh-CN");
        assert_eq!(declared_language("Feature: x\n# language: fr"), "");
        assert_eq!(declared_language("# a comment\n# language: fr"), "");
        assert_eq!(declared_language(""), "");
    }

    #[test]
    fn examples_are_what_a_user_writes() {
        assert_eq!(
            render(r"(?:je )?remplis Q avec Q", &["a", "b"]),
            r#"je remplis "a" avec "b""#
        );
        assert_eq!(
            render(r"kliknem na(?:| odkaz| link) Q", &["x"]),
            r#"kliknem na odkaz "x""#
        );
        assert_eq!(render(r"“([^”]*)”选项框", &["x"]), "“x”选项框");
        assert_eq!(render(r"l'(?i:url) devrait", &[]), "l'url devrait");
        assert_eq!(render(r"N éléments? Q", &["3", "li"]), r#"3 éléments "li""#);
    }
}
