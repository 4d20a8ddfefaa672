//! `smokegate run` runs checks at once, bounded by `-j`: judged from the attempts' start and end in the JSON report.

use crate::harness::*;

/// The most attempts that were running at the same moment, from the JSON report's attempt
/// start offsets and durations.
fn max_overlap(json: &serde_json::Value) -> usize {
    let mut edges = Vec::new();
    for check in json["checks"].as_array().into_iter().flatten() {
        for a in check["attempts"].as_array().into_iter().flatten() {
            let start = a["started_s"].as_f64().unwrap_or(0.0);
            // The report rounds both figures to the millisecond: an attempt that started as
            // another ended may seem to overlap it by one or two.
            let end = start + a["duration_s"].as_f64().unwrap_or(0.0) - 0.0025;
            edges.push((start, 1i32));
            edges.push((end, -1i32));
        }
    }
    // At equal times an end comes before a start: touching is not overlapping.
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, delta) in edges {
        now += delta;
        most = most.max(now);
    }
    usize::try_from(most).unwrap_or(0)
}

#[test]
fn twenty_plugins_at_j20_all_run_at_once() {
    let suite: String = (0..20)
        .map(|i| {
            check(
                &format!("sleeper {i:02}"),
                "{ plugin = \"${FIXTURES}/sleep1\" }",
            )
        })
        .collect();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "-j", "20", "--json", "r.json"])
        .run();
    out.code(0);
    let json = out.json("r.json");
    assert_eq!(json["verdict"]["ok"], 20);
    assert_eq!(max_overlap(&json), 20, "{json}");
}

#[test]
fn jobs_bound_the_parallelism() {
    let suite: String = (0..4)
        .map(|i| {
            check(
                &format!("sleeper {i}"),
                "{ plugin = \"${FIXTURES}/sleep1\" }",
            )
        })
        .collect();
    let out = Smokegate::new()
        .suite(&suite)
        .args(&["run", "-j", "2", "--json", "r.json"])
        .run();
    out.code(0);
    assert_eq!(max_overlap(&out.json("r.json")), 2);
}
