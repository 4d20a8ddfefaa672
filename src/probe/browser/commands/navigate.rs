//! Where the browser is: `open` (joined to the base URL; Chromium's own error page never passes),
//! `setWindowSize`, `selectFrame`, `selectWindow` and `close`. Must not read or assert on the
//! page's content, nor store variables.

use thirtyfour::prelude::*;

use crate::model::step::Locator;
use crate::probe::browser::exec::{find, js_string, quoted, wd, Act, Failure};
use crate::sanitize;

/// `open`: the target, joined to the base URL, loaded.
pub(crate) async fn open(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (spec, driver, target) = (act.run.spec, act.run.driver, act.target);
    let url = match &spec.feature {
        // A feature step's page: on the site in effect at its step as over HTTP, and what a
        // feature's user can do about a missing one.
        Some(feature) => {
            let site = feature.site_at(act.run.at, spec.base_url.as_deref());
            feature_page(driver, site.as_ref(), target)
                .await
                .map_err(|why| Failure {
                    said: true,
                    ..Failure::new("", why)
                })?
        }
        None => join_url(spec.base_url.as_deref(), target)
            .map_err(|why| Failure::new("a URL to open", why))?,
    };
    let expected = || format!("{} to load", quoted(&url));
    match driver.goto(url.as_str()).await {
        // Chromium answers a failed navigation with its own error page, which the
        // driver reports as a success: that page must never pass a check.
        Ok(()) => match error_page(driver, &url).await {
            Some(code) => Err(Failure::new(
                expected(),
                format!("the browser's error page: {code}"),
            )),
            None => Ok(()),
        },
        Err(e) => match net_error(&e.to_string()) {
            Some(code) => Err(Failure::new(expected(), code)),
            None => Err(wd(e)),
        },
    }
}

/// `setWindowSize`: a target like `1280x800`.
pub(crate) async fn set_window_size(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, target) = (act.run.driver, act.target);
    let (w, h) = target
        .split_once('x')
        .and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)))
        .ok_or_else(|| Failure::new("a size like 1280x800", quoted(target)))?;
    driver.set_window_rect(0, 0, w, h).await.map_err(wd)
}

/// `selectFrame`: `relative=top`, `relative=parent`, `index=N` or a frame's locator.
pub(crate) async fn select_frame(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, wait, target) = (act.run.driver, act.run.wait, act.target);
    match target {
        "relative=top" => driver.enter_default_frame().await.map_err(wd),
        "relative=parent" => driver.enter_parent_frame().await.map_err(wd),
        t if t.starts_with("index=") => {
            let n = t["index=".len()..]
                .parse::<u16>()
                .map_err(|_| Failure::new("a frame index", quoted(t)))?;
            driver.enter_frame(n).await.map_err(wd)
        }
        t => {
            let frame = Locator::parse(t).map_err(|e| Failure::new("a frame locator", e))?;
            find(driver, &frame, wait)
                .await?
                .enter_frame()
                .await
                .map_err(wd)
        }
    }
}

/// `selectWindow`: `handle=`, `name=`, `win_ser_local` or `win_ser_N`.
pub(crate) async fn select_window(act: &Act<'_, '_>) -> Result<(), Failure> {
    let (driver, target) = (act.run.driver, act.target);
    let handles = driver.windows().await.map_err(wd)?;
    let wanted = if let Some(h) = target.strip_prefix("handle=") {
        handles.iter().find(|w| w.to_string() == h).cloned()
    } else if target == "win_ser_local" {
        handles.first().cloned()
    } else if let Some(n) = target.strip_prefix("win_ser_") {
        n.parse::<usize>()
            .ok()
            .and_then(|n| handles.get(n).cloned())
    } else if let Some(name) = target.strip_prefix("name=") {
        let mut found = None;
        for h in &handles {
            if driver.switch_to_window(h.clone()).await.is_ok() {
                let n = driver
                    .execute("return window.name;", Vec::new())
                    .await
                    .map_err(wd)?;
                if js_string(n.json()) == name {
                    found = Some(h.clone());
                    break;
                }
            }
        }
        found
    } else {
        return Err(Failure::new(
            "handle=, name=, win_ser_local or win_ser_N",
            quoted(target),
        ));
    };
    match wanted {
        Some(h) => driver.switch_to_window(h).await.map_err(wd),
        None => Err(Failure::new(
            format!("a window {}", quoted(target)),
            format!("{} other windows", handles.len()),
        )),
    }
}

/// `close`: the current window.
pub(crate) async fn close(act: &Act<'_, '_>) -> Result<(), Failure> {
    act.run.driver.close_window().await.map_err(wd)
}

/// The network error (`ERR_EMPTY_RESPONSE`, ...) when the page shown is Chromium's own error
/// page rather than one the server sent.
async fn error_page(driver: &WebDriver, url: &str) -> Option<String> {
    let script = "if (!String(document.URL).startsWith('chrome-error://')) { return null; } \
                  var code = document.querySelector('.error-code'); \
                  return code && code.textContent ? code.textContent : '';";
    let code = match driver.execute(script, Vec::new()).await {
        Ok(ret) => match ret.json() {
            serde_json::Value::String(code) => code.trim().to_string(),
            _ => return None,
        },
        Err(_) => return None,
    };
    if !code.is_empty() {
        return Some(format!("net::{}", sanitize::clean(&code)));
    }
    // The headless shell's error page is empty: the network error is what the DevTools
    // protocol's navigation to the same URL answers (only ever on a page that already failed).
    let again = driver
        .cdp()
        .send_raw("Page.navigate", serde_json::json!({ "url": url }))
        .await;
    Some(
        again
            .ok()
            .and_then(|v| v.get("errorText")?.as_str().and_then(net_error))
            .unwrap_or_else(|| "a network error".to_string()),
    )
}

/// `net::ERR_...` named anywhere in a driver error (the first line is often just "unknown error").
fn net_error(text: &str) -> Option<String> {
    let at = text.find("net::ERR_")?;
    let name: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    Some(sanitize::clean(&name))
}

/// A feature step's page in the browser, as `probe::scenario` resolves it over HTTP: the page
/// the browser is on is asked for only when a relative page has no site to be on.
async fn feature_page(
    driver: &WebDriver,
    site: Option<&url::Url>,
    target: &str,
) -> Result<String, String> {
    use crate::model::scenario::{is_whole_url, resolve_page};
    let current = if site.is_none() && !is_whole_url(target) {
        driver.current_url().await.ok()
    } else {
        None
    };
    resolve_page(site, current.as_ref(), target).map(|u| u.to_string())
}

/// `target` joined to the base URL as Selenium IDE joins them; an absolute one is used as it
/// is. A relative target without a base is an error: the browser would read `/index.html` as
/// the host `index.html`.
fn join_url(base: Option<&str>, target: &str) -> Result<String, String> {
    if target.contains("://") || target.starts_with("about:") || target.starts_with("data:") {
        return Ok(target.to_string());
    }
    match base {
        Some(base) => Ok(format!(
            "{}/{}",
            base.trim_end_matches('/'),
            target.trim_start_matches('/')
        )),
        None => Err(format!(
            "`{target}` is relative and there is no base URL: set the project's url, or base_url"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_like_selenium_ide() {
        let join = |base, target| join_url(base, target).unwrap_or_else(|e| e);
        assert_eq!(
            join(Some("http://x:8080/"), "/login"),
            "http://x:8080/login"
        );
        assert_eq!(join(Some("http://x:8080"), "login"), "http://x:8080/login");
        assert_eq!(join(Some("http://x"), "https://y/z"), "https://y/z");
        assert_eq!(join(None, "https://y/z"), "https://y/z");
        assert_eq!(
            join(None, "/index.html"),
            "`/index.html` is relative and there is no base URL: set the project's url, or base_url"
        );
    }
}
