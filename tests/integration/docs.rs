//! `completions` and `man`: what the shells and a roff reader make of what they print.

use std::process::Command;

use crate::harness::*;

fn printed(args: &[&str]) -> String {
    let out = Smokegate::new().args(args).run();
    out.code(0);
    out.stdout
}

fn shell(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (installed by ci/setup): {e}"))
}

#[test]
fn bash_completes_commands_and_options() {
    let script = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(script.path(), printed(&["completions", "bash"])).expect("write");
    let complete = |words: &str| {
        let out = shell(
            "bash",
            &[
                "-c",
                &format!(
                    "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _smokegate smokegate \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
                    script.path().display()
                ),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let commands = complete("smokegate ''");
    for command in [
        "run",
        "list",
        "validate",
        "nagios",
        "demo",
        "import",
        "completions",
        "man",
        "steps",
        "schema",
        "history",
    ] {
        assert!(
            commands.split(' ').any(|w| w == command),
            "{command}: {commands}"
        );
    }
    let options = complete("smokegate run --soak");
    assert!(
        options.contains("--soak-count") && options.contains("--soak-failures"),
        "{options}"
    );
}

#[test]
fn zsh_and_fish_read_their_scripts() {
    for (shell_name, check) in [("zsh", vec!["-n"]), ("fish", vec!["--no-execute"])] {
        let script = tempfile::NamedTempFile::new().expect("tmp");
        std::fs::write(script.path(), printed(&["completions", shell_name])).expect("write");
        let path = script.path().display().to_string();
        let mut args = check.clone();
        args.push(&path);
        let out = shell(shell_name, &args);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{shell_name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn manual_pages_render_without_a_warning() {
    for command in [None, Some("run"), Some("nagios"), Some("history")] {
        let mut args = vec!["man"];
        args.extend(command);
        let page = tempfile::NamedTempFile::new().expect("tmp");
        std::fs::write(page.path(), printed(&args)).expect("write");
        let out = shell(
            "groff",
            // Plain text (no overstriking), every warning on.
            &[
                "-man",
                "-Tutf8",
                "-P-cbou",
                "-ww",
                &page.path().display().to_string(),
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "{command:?}: {stderr}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let name = command.map_or("smokegate".to_string(), |c| format!("smokegate-{c}"));
        let name_line =
            regex::Regex::new(&format!(r"\n\s+{}\s+- ", regex::escape(&name))).expect("regex");
        assert!(name_line.is_match(&text), "{text}");
        assert!(
            text.contains("SYNOPSIS") && text.contains("OPTIONS"),
            "{text}"
        );
    }
    let unknown = Smokegate::new().args(&["man", "nope"]).run();
    unknown.code(2);
    assert_eq!(
        unknown.stderr,
        "error: no command `nope`: one of run, list, validate, import, demo, nagios, steps, completions, man, schema, history
"
    );
}
