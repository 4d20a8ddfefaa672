//! The page a scenario is on, as a browser without JavaScript sees it: its text, links, forms
//! and the values typed into them, and the request a pressed button sends. Parses the HTML on
//! each use (a parsed document cannot cross an await) — node ids are stable for the same text.
//! Must not send anything.

use std::collections::HashMap;
use std::path::PathBuf;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

/// What a step set on a form control.
#[derive(Clone, Debug)]
pub enum Set {
    Text(String),
    Checked(bool),
    Selected(Vec<String>),
    File(PathBuf),
}

/// A request a form (or a link) makes.
#[derive(Debug)]
pub struct Submit {
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub fields: Vec<(String, Field)>,
    pub multipart: bool,
}

#[derive(Debug)]
pub enum Field {
    Text(String),
    File(PathBuf),
}

/// The HTML of the page and what the scenario typed into it.
#[derive(Debug, Default)]
pub struct Form {
    pub set: HashMap<NodeId, Set>,
}

fn selector(css: &str) -> Selector {
    // Only constant selectors reach here; user selectors go through `parse_css`.
    Selector::parse(css).unwrap_or_else(|e| panic!("selector `{css}`: {e}"))
}

/// A user's CSS selector, or why it is not one.
pub fn parse_css(css: &str) -> Result<Selector, String> {
    Selector::parse(css).map_err(|e| format!("`{css}` is not a CSS selector: {e}"))
}

pub use crate::probe::judge::collapse;

/// Elements whose text a reader sees on a line of its own: the text before and after them is
/// not one word (`<p>a</p><p>b</p>` is "a b", `<b>Ex</b>ception` is "Exception").
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "button",
    "select",
    "textarea",
    "input",
    "img",
];

/// An element's inline `style` declarations, in order, names lowercased, `!important` dropped.
fn inline_style(el: &scraper::node::Element) -> Vec<(String, String)> {
    el.attr("style")
        .unwrap_or_default()
        .split(';')
        .filter_map(|d| {
            let (name, value) = d.split_once(':')?;
            let value = value.trim().to_ascii_lowercase();
            let value = value.trim_end_matches("!important").trim().to_string();
            Some((name.trim().to_ascii_lowercase(), value))
        })
        .collect()
}

/// The last value an inline style gives `property` (the one that applies).
fn declared(style: &[(String, String)], property: &str) -> Option<String> {
    style
        .iter()
        .rev()
        .find(|(n, _)| n == property)
        .map(|(_, v)| v.clone())
}

/// Whether an element and all in it are never shown: scripts, styles and templates, and what
/// the HTML itself removes (`hidden`, unless its own style displays it, or an inline
/// `display: none`). Stylesheets are not read: over HTTP a class that hides text is not known
/// (a browser scenario knows it).
fn not_rendered(el: &scraper::node::Element, style: &[(String, String)]) -> bool {
    if matches!(
        el.name(),
        "script" | "style" | "template" | "head" | "title"
    ) {
        return true;
    }
    if declared(style, "opacity").is_some_and(|o| is_zero(&o)) {
        return true;
    }
    match declared(style, "display") {
        Some(display) => display == "none",
        // A dialog is shown only while open.
        None => el.attr("hidden").is_some() || (el.name() == "dialog" && el.attr("open").is_none()),
    }
}

/// `0`, `0.0`, `0%`: a CSS number or percentage that is zero.
fn is_zero(value: &str) -> bool {
    value
        .trim_end_matches('%')
        .parse::<f64>()
        .is_ok_and(|v| v == 0.0)
}

/// Characters that draw nothing and do not part words: a word written with them is the word.
fn draws_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The text of an element as a reader sees it: what the HTML removes or makes invisible left
/// out (`visibility` and a transparent `color` are inherited, and a child may show itself
/// again; `opacity: 0` hides all within), a closed `<details>` but its summary, a `<dialog>`
/// not open, characters that draw nothing (soft hyphen, zero-width ones) dropped, inline
/// elements run together and blocks apart.
pub fn element_text(el: ElementRef) -> String {
    let mut out = String::new();
    walk_text(*el, Ink::default(), &mut out);
    collapse(&out)
}

/// What an element passes on to its text: whether it is visible and drawn in a colour.
#[derive(Clone, Copy)]
struct Ink {
    visible: bool,
    coloured: bool,
}

impl Default for Ink {
    fn default() -> Ink {
        Ink {
            visible: true,
            coloured: true,
        }
    }
}

fn walk_text(node: ego_tree::NodeRef<scraper::Node>, ink: Ink, out: &mut String) {
    match node.value() {
        scraper::Node::Text(t) => {
            if ink.visible && ink.coloured {
                out.extend(t.chars().filter(|&c| !draws_nothing(c)));
            }
        }
        scraper::Node::Element(e) => {
            let style = inline_style(e);
            if not_rendered(e, &style) {
                return;
            }
            let visible = match declared(&style, "visibility").as_deref() {
                Some("hidden" | "collapse") => false,
                Some("visible") => true,
                _ => ink.visible,
            };
            let coloured = match declared(&style, "color").as_deref() {
                Some(c) => !is_transparent(c),
                None => ink.coloured,
            };
            let ink = Ink { visible, coloured };
            let block = BLOCKS.contains(&e.name());
            if block {
                out.push(' ');
            }
            // A closed `<details>` shows its first `<summary>` only.
            let closed = e.name() == "details" && e.attr("open").is_none();
            let summary = closed
                .then(|| {
                    node.children().find(|c| {
                        c.value()
                            .as_element()
                            .is_some_and(|el| el.name() == "summary")
                    })
                })
                .flatten();
            for child in node.children() {
                if closed && summary.is_none_or(|s| s.id() != child.id()) {
                    continue;
                }
                walk_text(child, ink, out);
            }
            if block {
                out.push(' ');
            }
        }
        _ => {
            for child in node.children() {
                walk_text(child, ink, out);
            }
        }
    }
}

/// A colour that draws nothing: `transparent`, or one whose alpha is zero.
fn is_transparent(colour: &str) -> bool {
    let c = colour.trim();
    if c == "transparent" {
        return true;
    }
    let inner = c
        .strip_prefix("rgba(")
        .or_else(|| c.strip_prefix("rgb("))
        .or_else(|| c.strip_prefix("hsla("))
        .or_else(|| c.strip_prefix("hsl("))
        .and_then(|r| r.strip_suffix(')'));
    if let Some(inner) = inner {
        // `rgba(0, 0, 0, 0)` or `rgb(0 0 0 / 0%)`: the alpha is last.
        let alpha = inner.rsplit([',', '/']).next().unwrap_or("");
        return (inner.contains(',') && inner.split(',').count() == 4 || inner.contains('/'))
            && is_zero(alpha.trim());
    }
    // `#rgba` and `#rrggbbaa` with a zero alpha.
    match c.strip_prefix('#') {
        Some(hex) if hex.len() == 4 => hex.ends_with('0'),
        Some(hex) if hex.len() == 8 => hex.ends_with("00"),
        _ => false,
    }
}

/// The page's visible text: the body's, or the whole document's when there is no body.
pub fn page_text(doc: &Html) -> String {
    doc.select(&selector("body"))
        .next()
        .map(element_text)
        .unwrap_or_else(|| element_text(doc.root_element()))
}

fn same(a: &str, b: &str) -> bool {
    collapse(a).eq_ignore_ascii_case(&collapse(b))
}

/// The text of the labels of a control: `<label for=id>` and a label around it.
fn labels(doc: &Html, el: ElementRef) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(id) = el.attr("id") {
        for label in doc.select(&selector("label[for]")) {
            if label.attr("for") == Some(id) {
                out.push(element_text(label));
            }
        }
    }
    for a in el.ancestors().filter_map(ElementRef::wrap) {
        if a.value().name() == "label" {
            out.push(element_text(a));
        }
    }
    out
}

const CONTROLS: &str = "input:not([type=submit]):not([type=button]):not([type=image]):not([type=reset]):not([type=hidden]), select, textarea";
const BUTTONS: &str =
    "button, input[type=submit], input[type=button], input[type=image], input[type=reset]";

/// A form control by id, name, label or placeholder (exactly, ignoring case and spacing; then a
/// label containing the words), as Mink's named `field` selector finds it.
pub fn find_field<'a>(doc: &'a Html, named: &str) -> Option<ElementRef<'a>> {
    let controls: Vec<ElementRef> = doc.select(&selector(CONTROLS)).collect();
    let exact = |el: &ElementRef| {
        el.attr("id") == Some(named)
            || el.attr("name") == Some(named)
            || el.attr("placeholder").is_some_and(|p| same(p, named))
            || labels(doc, *el).iter().any(|l| same(l, named))
    };
    let wanted = collapse(named).to_lowercase();
    controls.iter().find(|el| exact(el)).copied().or_else(|| {
        controls.iter().copied().find(|el| {
            labels(doc, *el)
                .iter()
                .any(|l| l.to_lowercase().contains(&wanted))
        })
    })
}

/// A button by id, name, value, text, title or alt.
pub fn find_button<'a>(doc: &'a Html, named: &str) -> Option<ElementRef<'a>> {
    let buttons: Vec<ElementRef> = doc.select(&selector(BUTTONS)).collect();
    let matches = |el: &ElementRef, exact: bool| {
        let texts = [
            el.attr("id").map(str::to_string),
            el.attr("name").map(str::to_string),
            el.attr("value").map(str::to_string),
            el.attr("title").map(str::to_string),
            el.attr("alt").map(str::to_string),
            Some(element_text(*el)),
        ];
        texts.iter().flatten().any(|t| {
            if exact {
                same(t, named)
            } else {
                t.to_lowercase().contains(&collapse(named).to_lowercase())
            }
        })
    };
    buttons
        .iter()
        .find(|el| matches(el, true))
        .or_else(|| buttons.iter().find(|el| matches(el, false)))
        .copied()
}

/// A link by id, text, title or the alt of an image in it.
pub fn find_link<'a>(doc: &'a Html, named: &str) -> Option<ElementRef<'a>> {
    let links: Vec<ElementRef> = doc.select(&selector("a[href]")).collect();
    let texts = |el: &ElementRef| {
        let mut t = vec![element_text(*el)];
        t.extend(el.attr("id").map(str::to_string));
        t.extend(el.attr("title").map(str::to_string));
        t.extend(
            el.select(&selector("img[alt]"))
                .filter_map(|i| i.attr("alt").map(str::to_string)),
        );
        t
    };
    let wanted = collapse(named).to_lowercase();
    links
        .iter()
        .find(|el| texts(el).iter().any(|t| same(t, named)))
        .or_else(|| {
            links
                .iter()
                .find(|el| texts(el).iter().any(|t| t.to_lowercase().contains(&wanted)))
        })
        .copied()
}

/// The options of a select, as (value, label, selected in the HTML).
fn options(el: ElementRef) -> Vec<(String, String, bool)> {
    el.select(&selector("option"))
        .map(|o| {
            let label = element_text(o);
            let value = o
                .attr("value")
                .map_or_else(|| label.clone(), str::to_string);
            (value, label, o.attr("selected").is_some())
        })
        .collect()
}

/// Whether a control is disabled: its own `disabled`, or a disabled fieldset around it (but for
/// the fieldset's first legend), as a browser neither lets one type into it nor sends it.
pub fn is_disabled(el: ElementRef) -> bool {
    if el.attr("disabled").is_some() {
        return true;
    }
    let mut child = el;
    for a in el.ancestors().filter_map(ElementRef::wrap) {
        if a.value().name() == "fieldset" && a.attr("disabled").is_some() {
            let first_legend = a
                .children()
                .filter_map(ElementRef::wrap)
                .find(|c| c.value().name() == "legend");
            if first_legend.is_none_or(|l| l.id() != child.id()) {
                return true;
            }
        }
        child = a;
    }
    false
}

/// A checkbox or a radio button: what the checkbox steps look at.
pub fn is_checkable(el: ElementRef) -> bool {
    matches!(kind(el).as_str(), "checkbox" | "radio")
}

/// What kind of control this is, for messages: `text`, `select`, `checkbox`, ...
pub fn control_kind(el: ElementRef) -> String {
    match kind(el).as_str() {
        "select" | "textarea" => format!("{} field", kind(el)),
        other => format!("{other} field"),
    }
}

fn kind(el: ElementRef) -> String {
    match el.value().name() {
        "input" => el.attr("type").unwrap_or("text").to_ascii_lowercase(),
        // A <button> submits unless it says otherwise.
        "button" => match el.attr("type").map(str::to_ascii_lowercase).as_deref() {
            Some("button") => "button".into(),
            Some("reset") => "reset".into(),
            _ => "submit".into(),
        },
        other => other.to_string(),
    }
}

impl Form {
    /// The value a control has now: typed, or as the HTML gives it.
    pub fn value(&self, el: ElementRef) -> String {
        match (self.set.get(&el.id()), kind(el).as_str()) {
            (Some(Set::Text(t)), _) => t.clone(),
            (Some(Set::Selected(values)), _) => values.join(", "),
            (Some(Set::File(p)), _) => p.display().to_string(),
            (_, "textarea") => el.text().collect(),
            (_, "select") => self.selected(el).join(", "),
            _ => el.attr("value").unwrap_or_default().to_string(),
        }
    }

    pub fn checked(&self, el: ElementRef) -> bool {
        match self.set.get(&el.id()) {
            Some(Set::Checked(c)) => *c,
            _ => el.attr("checked").is_some(),
        }
    }

    fn selected(&self, el: ElementRef) -> Vec<String> {
        if let Some(Set::Selected(values)) = self.set.get(&el.id()) {
            return values.clone();
        }
        let opts = options(el);
        let chosen: Vec<String> = opts.iter().filter(|o| o.2).map(|o| o.0.clone()).collect();
        if chosen.is_empty() && el.attr("multiple").is_none() {
            return opts.first().map(|o| vec![o.0.clone()]).unwrap_or_default();
        }
        chosen
    }

    /// Types into a text control.
    /// What is typed into a password field is told to `redact`.
    pub fn fill(
        &mut self,
        el: ElementRef,
        value: &str,
        redact: &crate::redact::Redactor,
    ) -> Result<(), String> {
        match kind(el).as_str() {
            "checkbox" | "radio" | "file" | "select" => Err(format!(
                "it is a {} field: use {}",
                kind(el),
                match kind(el).as_str() {
                    "select" => "`select \"…\" from \"…\"`",
                    "file" => "`attach the file \"…\" to \"…\"`",
                    _ => "`check \"…\"`",
                }
            )),
            _ if is_disabled(el) => Err("it is disabled".into()),
            kind => {
                // What is typed into a password field never reaches an output.
                if kind == "password" {
                    if let Some(why) = crate::redact::too_short_to_type(value) {
                        return Err(why);
                    }
                    redact.see([value]);
                }
                self.set.insert(el.id(), Set::Text(value.to_string()));
                Ok(())
            }
        }
    }

    /// Chooses an option of a select (by value or label), or a radio button of the group.
    pub fn select(
        &mut self,
        doc: &Html,
        el: ElementRef,
        option: &str,
        additionally: bool,
    ) -> Result<(), String> {
        if kind(el) == "radio" {
            return self.pick_radio(doc, el, option);
        }
        if kind(el) != "select" {
            return Err(format!("it is a {} field, not a select", kind(el)));
        }
        if additionally && el.attr("multiple").is_none() {
            // Adding would silently replace the option chosen before.
            return Err("it takes one option: use `select \"…\" from \"…\"`".into());
        }
        let opts = options(el);
        let chosen = el.select(&selector("option")).find(|o| {
            let label = element_text(*o);
            o.attr("value")
                .map_or(same(&label, option), |v| v == option)
                || same(&label, option)
        });
        // A browser does not let one choose a disabled option (or one in a disabled group).
        if chosen.is_some_and(|o| {
            o.attr("disabled").is_some()
                || o.ancestors()
                    .filter_map(ElementRef::wrap)
                    .any(|a| a.value().name() == "optgroup" && a.attr("disabled").is_some())
        }) {
            return Err(format!("its option `{option}` is disabled"));
        }
        let Some(found) = opts
            .iter()
            .find(|o| o.0 == option || same(&o.1, option))
            .map(|o| o.0.clone())
        else {
            let known: Vec<&str> = opts.iter().map(|o| o.1.as_str()).collect();
            return Err(format!(
                "it has no option `{option}` (it has: {})",
                known.join(", ")
            ));
        };
        let mut values = if additionally && el.attr("multiple").is_some() {
            self.selected(el)
        } else {
            Vec::new()
        };
        if !values.contains(&found) {
            values.push(found);
        }
        self.set.insert(el.id(), Set::Selected(values));
        Ok(())
    }

    fn pick_radio(&mut self, doc: &Html, el: ElementRef, value: &str) -> Result<(), String> {
        let name = el.attr("name").unwrap_or_default();
        let group: Vec<ElementRef> = doc
            .select(&selector("input[type=radio]"))
            .filter(|r| r.attr("name") == Some(name))
            .collect();
        let chosen = group
            .iter()
            .find(|r| {
                r.attr("value") == Some(value) || labels(doc, **r).iter().any(|l| same(l, value))
            })
            .ok_or_else(|| format!("radio group `{name}` has no option `{value}`"))?;
        for r in &group {
            self.set.insert(r.id(), Set::Checked(r.id() == chosen.id()));
        }
        Ok(())
    }

    pub fn check(&mut self, doc: &Html, el: ElementRef, on: bool) -> Result<(), String> {
        match kind(el).as_str() {
            "checkbox" => {
                self.set.insert(el.id(), Set::Checked(on));
                Ok(())
            }
            "radio" if on => {
                let value = el.attr("value").unwrap_or("on").to_string();
                self.pick_radio(doc, el, &value)
            }
            other => Err(format!("it is a {other} field, not a checkbox")),
        }
    }

    pub fn attach(&mut self, el: ElementRef, path: PathBuf) -> Result<(), String> {
        if kind(el) != "file" {
            return Err(format!("it is a {} field, not a file field", kind(el)));
        }
        self.set.insert(el.id(), Set::File(path));
        Ok(())
    }

    /// The request the form around `button` sends when it is pressed, as a browser builds it.
    pub fn submit(
        &self,
        doc: &Html,
        button: ElementRef,
        base: &reqwest::Url,
    ) -> Result<Submit, String> {
        if is_disabled(button) {
            return Err("it is disabled".into());
        }
        if matches!(kind(button).as_str(), "reset" | "button") {
            return Err(format!(
                "it is a {} button: without JavaScript it sends nothing",
                kind(button)
            ));
        }
        let form = match button.attr("form") {
            Some(id) => doc
                .select(&selector("form[id]"))
                .find(|f| f.attr("id") == Some(id)),
            None => button
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "form"),
        }
        .ok_or("it is not in a form")?;
        let attr = |name: &str| {
            button
                .attr(&format!("form{name}"))
                .or_else(|| form.attr(name))
        };
        let action = attr("action").filter(|a| !a.trim().is_empty());
        let mut url = match action {
            Some(a) => base
                .join(a.trim())
                .map_err(|e| format!("the form's action `{a}` is not a URL: {e}"))?,
            None => base.clone(),
        };
        let method = match attr("method").map(str::to_ascii_lowercase).as_deref() {
            Some("post") => reqwest::Method::POST,
            _ => reqwest::Method::GET,
        };
        let multipart = method == reqwest::Method::POST
            && attr("enctype").is_some_and(|e| e.eq_ignore_ascii_case("multipart/form-data"));
        let mut fields = Vec::new();
        let in_form = |el: &ElementRef| match el.attr("form") {
            Some(id) => form.attr("id") == Some(id),
            None => el
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "form")
                .is_some_and(|f| f.id() == form.id()),
        };
        for el in doc.select(&selector(
            "input[name], select[name], textarea[name], button[name]",
        )) {
            if !in_form(&el) || is_disabled(el) {
                continue;
            }
            let name = el.attr("name").unwrap_or_default().to_string();
            match kind(el).as_str() {
                "submit" | "image" | "button" | "reset" => {
                    if el.id() == button.id() && kind(el) != "image" {
                        fields.push((
                            name,
                            Field::Text(el.attr("value").unwrap_or_default().into()),
                        ));
                    }
                }
                "checkbox" | "radio" => {
                    if self.checked(el) {
                        fields.push((name, Field::Text(el.attr("value").unwrap_or("on").into())));
                    }
                }
                "select" => {
                    for v in self.selected(el) {
                        fields.push((name.clone(), Field::Text(v)));
                    }
                }
                "file" => match self.set.get(&el.id()) {
                    Some(Set::File(p)) => fields.push((name, Field::File(p.clone()))),
                    _ if multipart => fields.push((name, Field::File(PathBuf::new()))),
                    _ => {}
                },
                _ => fields.push((name, Field::Text(self.value(el)))),
            }
        }
        if kind(button) == "image" {
            let prefix = button
                .attr("name")
                .map_or(String::new(), |n| format!("{n}."));
            fields.push((format!("{prefix}x"), Field::Text("0".into())));
            fields.push((format!("{prefix}y"), Field::Text("0".into())));
        }
        if method == reqwest::Method::GET {
            url.set_query(None);
            {
                let mut query = url.query_pairs_mut();
                for (name, value) in &fields {
                    if let Field::Text(v) = value {
                        query.append_pair(name, v);
                    }
                }
            }
            if url.query() == Some("") {
                url.set_query(None);
            }
            fields.clear();
        }
        Ok(Submit {
            method,
            url,
            fields,
            multipart,
        })
    }
}

/// What a refusing response (a redirect, a 401 or a 403) carries, for `access is refused`.
pub fn refusal(
    doc: &Html,
    status: u16,
    url: &reqwest::Url,
    bytes: usize,
    location: usize,
) -> crate::probe::judge::Refusal {
    let count = |css: &str| doc.select(&selector(css)).count();
    crate::probe::judge::Refusal {
        status,
        url: url.to_string(),
        bytes: Some(bytes),
        location,
        chars: page_text(doc).chars().count(),
        links: count("a[href]"),
        rows: doc
            .select(&selector("tr"))
            .filter(|tr| tr.select(&selector("td")).next().is_some())
            .count(),
        password_field: count("input[type=password]") > 0,
    }
}
