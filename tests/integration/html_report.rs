//! `--html FILE`: the page opened in headless Chromium (by a smokegate browser check, file://),
//! and what it shows: the verdict, a row per check, the failed browser check's screenshot
//! inline, a timeline bar per attempt.

use crate::browser_checks::webapp;
use crate::harness::*;

#[test]
fn the_page_shows_the_verdict_each_check_its_screenshot_and_its_timeline() {
    let port = webapp();
    let suite = format!(
        "[browser]\nimplicit_wait = \"1s\"\n\n\
         [[check]]\nname = \"db\"\nnagios = {{ command = \"check_dummy 0 'db answers'\" }}\n\n\
         [[check]]\nname = \"app\"\nneeds = [\"db\"]\nnagios = {{ command = \"check_dummy 0 'app answers'\" }}\n\n\
         [[check]]\nname = \"login shows a welcome\"\ntimeout = \"30s\"\n\
         browser = {{ base_url = \"http://127.0.0.1:{port}\", steps = [\n\
           {{ open = \"/login.html\" }},\n\
           {{ assert_text = {{ locator = \"id=message\", text = \"Welcome, nobody\" }} }},\n\
         ] }}\n"
    );
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "--html", "out/report.html", "--color", "never"])
        .run();
    out.code(1);
    let page = out.dir.path().join("out/report.html");
    let html = std::fs::read_to_string(&page).expect("page written");
    assert!(
        html.contains("data:image/png;base64,"),
        "the screenshot is inline"
    );

    let look = format!(
        "[[check]]\nname = \"the report\"\ntimeout = \"30s\"\n\
         browser = {{ steps = [\n\
           {{ open = \"file://{}\" }},\n\
           {{ assert_title = \"smokegate: gate FAILED\" }},\n\
           {{ assert_text = {{ locator = \"id=verdict\", text = \"gate FAILED\" }} }},\n\
           {{ assert_element_present = \"xpath=//p[@id='counts'][starts-with(., '1 of 3 checks fail the gate in ')]\" }},\n\
           {{ assert_element_present = \"css=tr.check[data-state=OK]\" }},\n\
           {{ assert_text = {{ locator = \"css=tr.check[data-state=CRITICAL] td.name\", text = \"login shows a welcome\" }} }},\n\
           {{ assert_text = {{ locator = \"css=tr.check[data-state=CRITICAL] td.gate\", text = \"fails the gate\" }} }},\n\
           {{ assert_element_present = \"css=ul#answer li b\" }},\n\
           {{ assert_element_present = \"css=tr.check[data-state=CRITICAL] .bar.run-CRITICAL\" }},\n\
           {{ click = \"css=tr.check[data-state=CRITICAL] summary\" }},\n\
           {{ assert_element_present = \"css=tr.check[data-state=CRITICAL] img[alt=screenshot]\" }},\n\
           {{ assert_element_not_present = \"css=script\" }},\n\
         ] }}\n",
        page.display()
    );
    let seen = Smokegate::new()
        .suite(&look)
        .args(&["run", "--json", "r.json", "--color", "never"])
        .run();
    let json = seen.json("r.json");
    assert_eq!(
        json["checks"][0]["state"], "OK",
        "{}\n{}",
        json["checks"][0]["summary"], json["checks"][0]["evidence"]
    );
    seen.code(0);
}
