//! `--summary FILE`: the verdict and the checks that are not OK as Markdown, as a CI job summary
//! shows it (read here by Python-Markdown with tables, installed by ci/setup).

use std::process::Command;

use crate::harness::*;

#[test]
fn a_job_summary_renders_as_a_table_of_what_is_not_ok() {
    let suite = [
        check("passes", "{ command = \"check_dummy 0 fine\" }"),
        check("warns", "{ command = \"check_dummy 1 'almost full'\" }"),
        "[[check]]\nname = \"piped\"\nexec = { command = \"/bin/sh -c 'echo \\\"a | b\\\"; exit 1'\" }\n\n".to_string(),
        check("fails", "{ command = \"check_dummy 2 '<script>x</script>'\" }"),
        check("struck", "{ command = \"check_dummy 2 '~~not struck~~'\" }"),
    ]
    .concat();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&[
            "run",
            "--summary",
            "out/summary.md",
            "--label",
            "version=1.4.2",
        ])
        .run();
    out.code(1);
    let html = Command::new("python3")
        .args([
            "-c",
            "import markdown, sys; print(markdown.markdown(open(sys.argv[1]).read(), extensions=['tables']))",
        ])
        .arg(out.dir.path().join("out/summary.md"))
        .output()
        .expect("python3 with markdown (installed by ci/setup)");
    assert!(
        html.status.success(),
        "{}",
        String::from_utf8_lossy(&html.stderr)
    );
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(
        html.contains("<h3>smokegate: ❌ gate FAILED for version=1.4.2</h3>"),
        "{html}"
    );
    let rows: Vec<&str> = html.matches("<tr>").collect();
    assert_eq!(
        rows.len(),
        5,
        "a header and the four checks that are not OK: {html}"
    );
    // GitHub renders ~~x~~ as strikethrough: escaped, it stays text.
    let summary = out.read("out/summary.md");
    assert!(
        summary.contains("CRITICAL: \\~\\~not struck\\~\\~"),
        "{summary}"
    );
    assert!(
        html.contains("<td>exit code 1: a | b</td>"),
        "a | stays in its cell: {html}"
    );
    assert!(
        html.contains("<td>CRITICAL: &lt;script&gt;x&lt;/script&gt;</td>"),
        "no markup from outside: {html}"
    );
    assert!(!html.contains("passes"), "{html}");
}
