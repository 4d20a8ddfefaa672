//! Feature files in French, Spanish, Russian and Japanese: the Gherkin keywords and Mink's
//! phrasings of their language (and English steps, which apply in every language) run against
//! the shop of `features.rs`; every scenario's whole summary is asserted. Unknown steps of a
//! translated file get suggestions in its language. `src/model/vocabulary_i18n.rs` checks every
//! translation of every language on its own.

use crate::features::{features, shop};
use crate::harness::*;

/// Runs one fixture feature against the shop: the run, its checks as (name, state, summary) in
/// order, and the shop's address.
fn run(file: &str) -> (Output, Vec<(String, String, String)>, String) {
    let base = format!("http://127.0.0.1:{}", shop());
    let suite = format!(
        "[vars]\nbase = \"{base}\"\n\n[defaults]\ntimeout = \"30s\"\n\n[import]\nfeatures = [\"{}/{file}\"]\n",
        features()
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--json", "out/r.json", "--color", "never"])
        .file("out/.keep", "")
        .run();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let checks = out.json("out/r.json")["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("name"), s("state"), s("summary"))
        })
        .collect();
    (out, checks, base)
}

/// The checks of a feature, each `(scenario, state, summary)`.
#[track_caller]
fn exactly(feature: &str, got: &[(String, String, String)], want: &[(&str, &str, String)]) {
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(n, s, m)| (format!("{feature} / {n}"), s.to_string(), m.clone()))
        .collect();
    assert_eq!(got, want.as_slice());
}

#[test]
fn french_phrasings_pass_and_fail() {
    let (out, checks, _) = run("i18n_fr.feature");
    out.code(1);
    exactly(
        "La boutique en français",
        &checks,
        &[
            ("une commande de chaque sorte de champ", "OK", "SCENARIO OK - 26 steps passed".into()),
            ("les pages, l'historique et ce qu'elles disent", "OK", "SCENARIO OK - 25 steps passed".into()),
            ("une page qui n'existe pas", "CRITICAL", "Alors le code de status de la réponse devrait être 200 - the response status code is 404, expected 200".into()),
            ("un lien qui est là et ne devrait pas", "CRITICAL", "Alors l'élément \"footer\" ne devrait pas contenir \"Imprint\" - \"Imprint\" is in the \"footer\" element, and should not be".into()),
            ("une case cochée qui ne devrait pas l'être", "CRITICAL", "Alors la case à cocher \"newsletter\" ne devrait pas être cochée - the \"newsletter\" checkbox is checked".into()),
        ],
    );
}

#[test]
fn spanish_phrasings_pass_and_fail() {
    let (out, checks, base) = run("i18n_es.feature");
    out.code(1);
    exactly(
        "La tienda en español",
        &checks,
        &[
            ("un cliente inicia sesión", "OK", "SCENARIO OK - 15 steps passed".into()),
            ("una contraseña equivocada", "CRITICAL", format!("Entonces debo estar en \"/account\" - expected to be on /account, but the page is {base}/login")),
            ("un aviso que no debería estar", "CRITICAL", "Entonces no debo ver \"Wrong password\" - the text \"Wrong password\" is on the page, and should not be".into()),
        ],
    );
}

#[test]
fn russian_phrasings_pass_and_fail_with_whole_urls() {
    let (out, checks, _) = run("i18n_ru.feature");
    out.code(1);
    exactly(
        "Магазин по-русски",
        &checks,
        &[
            ("API и поиск", "OK", "SCENARIO OK - 9 steps passed".into()),
            ("вход без галочки", "OK", "SCENARIO OK - 5 steps passed".into()),
            ("лишний результат поиска", "CRITICAL", "Тогда я не должен видеть \"shoes (red)\" - the text \"shoes (red)\" is on the page, and should not be".into()),
            ("галочка, которой нет", "CRITICAL", "Тогда галочка \"remember\" должна быть отмечена - the \"remember\" checkbox is not checked".into()),
        ],
    );
}

/// Japanese writes the element before the text: each value still goes where English has it.
#[test]
fn japanese_phrasings_pass_and_fail_with_their_values_in_japanese_order() {
    let (out, checks, _) = run("i18n_ja.feature");
    out.code(1);
    exactly(
        "日本語のショップ",
        &checks,
        &[
            ("トップページから注文まで", "OK", "SCENARIO OK - 16 steps passed".into()),
            ("フッターにないリンク", "CRITICAL", "ならば \"footer\" エレメントに \"Careers\" と表示されていること - the text \"Careers\" is not in the \"footer\" element".into()),
            ("数が違う", "CRITICAL", "ならば 画面に 3 個の \"option\" エレメントが表示されていること - 5 \"option\" elements on the page, expected 3".into()),
        ],
    );
}

/// An unknown step of a French file is compared with the French phrasings too; a French step
/// in a file that declares no language is unknown.
#[test]
fn unknown_steps_get_suggestions_in_the_language_of_their_file() {
    let out = Smokegate::new()
        .file(
            "checks/fr.feature",
            "# language: fr\nFonctionnalité: F\n  Scénario: S\n    Soit je suis sur \"http://127.0.0.1:9/\"\n    Alors je devrai voir \"Bienvenue\"\n",
        )
        .file(
            "checks/en.feature",
            "Feature: F\n  Scenario: S\n    Given I am on \"http://127.0.0.1:9/\"\n    Then je devrais voir \"Bienvenue\"\n",
        )
        .args(&["validate"])
        .run();
    out.code(2);
    for expected in [
        "error: unknown step `je devrai voir \"Bienvenue\"`\n --> checks/fr.feature:5:11",
        "closest known steps:\n  * je devrais voir \"Hello, shopper\"\n",
        "error: unknown step `je devrais voir \"Bienvenue\"`\n --> checks/en.feature:4:10",
        "error: the suite has 2 errors; nothing ran",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            out.stderr
        );
    }
}
