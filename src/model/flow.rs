//! Selenium IDE's control flow over a list of steps: `if`/`else if`/`else`/`end`, `while`,
//! `do`/`repeat if`, `times`, `forEach` and `break`, linked into blocks once so that the runner
//! only follows jumps. An unbalanced block is an error with the index of the command at fault.
//! Owns the block structure; must not evaluate conditions or drive a browser.

use super::step::{Command, Step};

/// Where a control-flow step may jump to (indexes into the step list).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    /// `if`/`else if`: the next branch (`else if`, `else` or `end`) when the condition is false.
    pub next: Option<usize>,
    /// The block's closing step: `end` (or `repeat if` for `do`, and for a `break` in one).
    pub end: Option<usize>,
    /// `end` and `repeat if`: the step that opened the block.
    pub start: Option<usize>,
}

struct Open {
    at: usize,
    command: Command,
    /// Branches of an `if` block, `else` included.
    branches: Vec<usize>,
    breaks: Vec<usize>,
}

fn is_loop(c: Command) -> bool {
    matches!(
        c,
        Command::While | Command::Times | Command::ForEach | Command::Do
    )
}

/// Links every block; the error is (index of the step at fault, what is wrong).
pub fn link(steps: &[Step]) -> Result<Vec<Link>, (usize, String)> {
    let mut links = vec![Link::default(); steps.len()];
    let mut stack: Vec<Open> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let c = step.command;
        match c {
            Command::If | Command::While | Command::Times | Command::ForEach | Command::Do => stack
                .push(Open {
                    at: i,
                    command: c,
                    branches: Vec::new(),
                    breaks: Vec::new(),
                }),
            Command::ElseIf | Command::Else => {
                let Some(open) = stack.last_mut().filter(|o| o.command == Command::If) else {
                    return Err((i, format!("`{}` outside an `if` block", step.name)));
                };
                if let Some(&last) = open.branches.last() {
                    if steps[last].command == Command::Else {
                        return Err((i, format!("`{}` after the block's `else`", step.name)));
                    }
                }
                open.branches.push(i);
            }
            Command::End => {
                let Some(open) = stack.pop() else {
                    return Err((i, "`end` without a block to close".to_string()));
                };
                if open.command == Command::Do {
                    return Err((i, "`do` is closed by `repeat if`, not `end`".to_string()));
                }
                close(&mut links, &open, i);
            }
            Command::RepeatIf => {
                match stack.pop() {
                    Some(open) if open.command == Command::Do => close(&mut links, &open, i),
                    _ => return Err((i, "`repeat if` without a `do`".to_string())),
                };
            }
            Command::Break => match stack.iter_mut().rev().find(|o| is_loop(o.command)) {
                Some(open) => open.breaks.push(i),
                None => return Err((i, "`break` outside a loop".to_string())),
            },
            _ => {}
        }
    }
    match stack.pop() {
        Some(open) => Err((
            open.at,
            format!(
                "`{}` has no matching `{}`",
                steps[open.at].name,
                if open.command == Command::Do {
                    "repeat if"
                } else {
                    "end"
                }
            ),
        )),
        None => Ok(links),
    }
}

fn close(links: &mut [Link], open: &Open, end: usize) {
    let mut heads = vec![open.at];
    heads.extend(&open.branches);
    for (n, &head) in heads.iter().enumerate() {
        links[head].next = Some(heads.get(n + 1).copied().unwrap_or(end));
        links[head].end = Some(end);
    }
    for &b in &open.breaks {
        links[b].end = Some(end);
    }
    links[end].start = Some(open.at);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(names: &[&str]) -> Vec<Step> {
        names
            .iter()
            .map(|n| Step::new(n, "true", "x").expect("valid step"))
            .collect()
    }

    #[test]
    fn if_else_chains_and_loops_link() {
        let s = steps(&[
            "if", "echo", "elseIf", "echo", "else", "echo", "end", "while", "break", "end", "do",
            "repeatIf",
        ]);
        let l = link(&s).expect("balanced");
        assert_eq!((l[0].next, l[0].end), (Some(2), Some(6)));
        assert_eq!((l[2].next, l[2].end), (Some(4), Some(6)));
        assert_eq!(l[4].end, Some(6));
        assert_eq!(l[6].start, Some(0));
        assert_eq!(
            (l[7].end, l[8].end, l[9].start),
            (Some(9), Some(9), Some(7))
        );
        assert_eq!((l[10].end, l[11].start), (Some(11), Some(10)));
    }

    #[test]
    fn unbalanced_blocks_name_the_command() {
        let err = |names: &[&str]| link(&steps(names)).unwrap_err();
        assert_eq!(
            err(&["echo", "if", "echo"]),
            (1, "`if` has no matching `end`".into())
        );
        assert_eq!(err(&["else"]), (0, "`else` outside an `if` block".into()));
        assert_eq!(err(&["end"]), (0, "`end` without a block to close".into()));
        assert_eq!(
            err(&["if", "else", "elseIf", "end"]),
            (2, "`elseIf` after the block's `else`".into())
        );
        assert_eq!(err(&["break"]), (0, "`break` outside a loop".into()));
        assert_eq!(err(&["repeatIf"]), (0, "`repeat if` without a `do`".into()));
        assert_eq!(
            err(&["do", "end"]),
            (1, "`do` is closed by `repeat if`, not `end`".into())
        );
        assert_eq!(err(&["while"]), (0, "`while` has no matching `end`".into()));
    }
}
