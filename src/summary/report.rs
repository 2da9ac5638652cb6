//! The HTML report: one self-contained page (no script, no network, no external font or style)
//! with a chart of one task's class shares per group (an inline SVG, with the same figures and
//! their intervals in a table), and every article as text with its sentences coloured by that
//! task's label. Hovering or focusing a sentence (it takes keyboard focus) shows the
//! probabilities of every task, and the top terms when `predict --explain` wrote them; screen
//! readers get them as the sentence's description. Classes are told apart by colour and by the
//! underline's style, both named in the legend, and the page prints legibly.

use std::fmt::Write;

use super::{Among, Row, Summarizer, Summary, TaskInfo, TaskSummary};
use crate::error::{Error, Result};

/// What the report shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportSettings {
    /// The task to colour sentences and chart by (default: the first).
    pub task: Option<String>,
    /// The input's name, shown in the header.
    pub source: String,
}

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A class's colour (Okabe-Ito, safe for colour-blind readers) and underline style. Classes
/// named like the shipped model's have fixed ones; others take the rest in order.
fn class_style(name: &str, index: usize) -> (&'static str, &'static str) {
    match name {
        "anti" | "negative" => ("#D55E00", "double"),
        "pro" | "positive" => ("#0072B2", "solid"),
        "neutral" => ("#999999", "none"),
        _ => {
            const OTHER: [(&str, &str); 5] = [
                ("#009E73", "dashed"),
                ("#E69F00", "dotted"),
                ("#CC79A7", "wavy"),
                ("#56B4E9", "dashed"),
                ("#F0E442", "dotted"),
            ];
            OTHER[index % OTHER.len()]
        }
    }
}

fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{:.0}%", v * 100.0)).unwrap_or_else(|| "–".into())
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 3rem; color: #1a1a1a; background: #fff; line-height: 1.55; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin-bottom: .2rem; }
.meta { color: #555; font-size: .9rem; margin-top: 0; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
.legend li { display: flex; align-items: center; gap: .4rem; }
.swatch { display: inline-block; width: 2.2rem; height: 1.1rem; border-bottom-width: 3px; }
figure { margin: 1rem 0; }
svg text { font-family: inherit; font-size: 12px; fill: #1a1a1a; }
table { border-collapse: collapse; font-size: .9rem; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
article { margin: 1.2rem 0 1.8rem; }
.text { margin: .3rem 0; }
.s { position: relative; border-bottom-width: 3px; padding: 0 .05rem; border-radius: 2px; cursor: help; }
.s:focus { outline: 2px solid #000; outline-offset: 1px; }
.tip { display: none; position: absolute; left: 0; top: 100%; z-index: 10; width: max-content; max-width: 28rem; background: #fff; color: #1a1a1a; border: 1px solid #333; border-radius: 4px; padding: .4rem .6rem; font-size: .85rem; line-height: 1.4; box-shadow: 0 2px 6px rgba(0,0,0,.25); white-space: normal; }
.s:hover > .tip, .s:focus > .tip { display: block; }
.tip b { font-weight: 600; }
.skip { position: absolute; left: -10000px; }
.skip:focus { position: static; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .s, .swatch, svg rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .tip, .skip { display: none !important; }
  .s:focus { outline: none; }
  article { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  figure, table { break-inside: avoid; }
}
"#;

/// The report of what `summarizer` read, with `summary`'s figures, as one HTML page.
pub fn report(
    summarizer: &Summarizer,
    summary: &Summary,
    settings: &ReportSettings,
) -> Result<String> {
    let tasks = summarizer.tasks();
    let t = match &settings.task {
        None => 0,
        Some(name) => tasks.iter().position(|t| &t.name == name).ok_or_else(|| {
            Error::setting(
                format!("--task {name}: no such task in the input"),
                format!(
                    "the tasks are {}",
                    tasks.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        })?,
    };
    let task = &tasks[t];
    let level = summary.settings.by.first().cloned().unwrap_or_else(|| "article".into());
    let rows: Vec<&Row> = summary.rows.iter().filter(|r| r.level == level).collect();
    let among = summary.rows.first().map_or(Among::All, |r| r.tasks[t].among);
    let base_words = match among {
        Among::Mentions => format!("sentences that mention {}", task.name),
        Among::All => "all scored sentences".to_string(),
    };
    let mut h = String::with_capacity(64 << 10);
    let title = format!("Stance report: {}", task.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#articles\">Skip to the articles</a>\n<header>\n<h1>{}</h1>\n<p class=\"meta\">{} articles, {} sentences scored, from {}. Task <b>{}</b>; shares among {}; {}% intervals from {} bootstrap replicates (seed {}).</p>\n</header>\n<main>\n",
        esc(&title),
        esc(&title),
        summarizer.articles().len(),
        summarizer.sentences().len(),
        esc(&settings.source),
        esc(&task.name),
        esc(&base_words),
        (summary.settings.confidence * 100.0).round(),
        summary.settings.replicates,
        summary.settings.seed,
    );
    // Legend: colour, underline and name, in words too.
    h.push_str("<section aria-labelledby=\"legend-h\">\n<h2 id=\"legend-h\">Legend</h2>\n<ul class=\"legend\">\n");
    for (c, class) in task.classes.iter().enumerate() {
        let (colour, line) = class_style(class, c);
        let _ = writeln!(
            h,
            "<li><span class=\"swatch\" aria-hidden=\"true\" style=\"background:{colour}40;border-bottom:3px {line} {colour}\"></span><span><b>{}</b>: {} background, {} underline</span></li>",
            esc(class),
            colour_name(colour),
            if line == "none" { "no".to_string() } else { line.to_string() },
        );
    }
    h.push_str("</ul>\n<p class=\"meta\">Sentences are coloured by their predicted class for this task. Hover over a sentence, or move to it with Tab, to see the probabilities of every task.</p>\n</section>\n");
    chart(&mut h, summary, t, &level, &rows, &base_words);
    articles(&mut h, summarizer, t);
    h.push_str("</main>\n</body>\n</html>\n");
    Ok(h)
}

fn colour_name(hex: &str) -> &'static str {
    match hex {
        "#D55E00" => "orange-red",
        "#0072B2" => "blue",
        "#999999" => "grey",
        "#009E73" => "green",
        "#E69F00" => "orange",
        "#CC79A7" => "pink",
        "#56B4E9" => "sky-blue",
        _ => "yellow",
    }
}

/// The chart (stacked bars of the class shares per group) and the table of the same figures.
fn chart(h: &mut String, summary: &Summary, t: usize, level: &str, rows: &[&Row], base: &str) {
    let task = &summary.tasks[t];
    let (label_w, bar_w, right_w, row_h, top) = (220.0, 420.0, 110.0, 26.0, 30.0);
    let width = label_w + bar_w + right_w;
    let height = top + row_h * rows.len() as f64 + 10.0;
    let heading = format!("{} by {}", task.name, level);
    let _ = write!(
        h,
        "<section aria-labelledby=\"chart-h\">\n<h2 id=\"chart-h\">Share of each class: {}</h2>\n<figure>\n<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\">\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">Stacked bars, one per {}: the share of each class of {} among {}. The table below gives the same figures with their intervals.</desc>\n",
        esc(&heading),
        esc(&heading),
        esc(level),
        esc(&task.name),
        esc(base),
    );
    let _ = writeln!(
        h,
        "<text x=\"{label_w}\" y=\"16\">0%</text><text x=\"{}\" y=\"16\" text-anchor=\"middle\">50%</text><text x=\"{}\" y=\"16\" text-anchor=\"end\">100%</text><text x=\"{}\" y=\"16\">sentences</text>",
        label_w + bar_w / 2.0,
        label_w + bar_w,
        label_w + bar_w + 8.0
    );
    for (i, row) in rows.iter().enumerate() {
        bar(h, task, &row.tasks[t], row, top + row_h * i as f64, (label_w, bar_w, row_h));
    }
    figures_table(h, summary, t, level, rows, base);
}

/// One group's stacked bar at height `y`; `geometry` is (label width, bar width, row height).
fn bar(
    h: &mut String,
    task: &TaskInfo,
    ts: &TaskSummary,
    row: &Row,
    y: f64,
    geometry: (f64, f64, f64),
) {
    let (label_w, bar_w, row_h) = geometry;
    let name = if row.group.chars().count() > 30 {
        format!("{}…", row.group.chars().take(29).collect::<String>())
    } else {
        row.group.clone()
    };
    let _ = writeln!(
        h,
        "<g><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{} ({})</text>",
        label_w - 8.0,
        y + 15.0,
        esc(&name),
        row.articles
    );
    let mut x = label_w;
    for (c, (class, cs)) in task.classes.iter().zip(&ts.classes).enumerate() {
        let Some(share) = cs.share else { continue };
        let w = share * bar_w;
        let (colour, _) = class_style(class, c);
        let _ = writeln!(
            h,
            "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{colour}\" stroke=\"#fff\"><title>{}: {} {} ({} of {} sentences; interval {}–{})</title></rect>",
            row_h - 6.0,
            esc(&row.group),
            esc(class),
            percent(cs.share),
            cs.count,
            ts.base,
            percent(cs.low),
            percent(cs.high),
        );
        if share >= 0.09 {
            let _ = writeln!(
                h,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" style=\"fill:#fff;font-weight:600\" aria-hidden=\"true\">{}</text>",
                x + w / 2.0,
                y + 14.0,
                percent(cs.share)
            );
        }
        x += w;
    }
    if ts.base == 0 {
        let _ = writeln!(h, "<text x=\"{}\" y=\"{}\">no sentence</text>", label_w + 4.0, y + 15.0);
    }
    let _ = writeln!(
        h,
        "<text x=\"{}\" y=\"{}\">{}</text></g>",
        label_w + bar_w + 8.0,
        y + 15.0,
        ts.base
    );
}

/// The chart's figures as a table: per group, the share of each class with its interval.
fn figures_table(
    h: &mut String,
    summary: &Summary,
    t: usize,
    level: &str,
    rows: &[&Row],
    base: &str,
) {
    let task = &summary.tasks[t];
    let _ = write!(
        h,
        "</svg>\n<figcaption>Share of each class of <b>{}</b> among {}, per {} (articles in brackets; sentences at the right).</figcaption>\n</figure>\n<table>\n<caption class=\"meta\">The chart's figures: share of each class with its {}% bootstrap interval.</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">articles</th><th scope=\"col\">sentences</th>",
        esc(&task.name),
        esc(base),
        esc(level),
        (summary.settings.confidence * 100.0).round(),
        esc(level),
    );
    for class in &task.classes {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(class));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        let ts = &row.tasks[t];
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
            esc(&row.group),
            row.articles,
            ts.base
        );
        for cs in &ts.classes {
            let interval = match (cs.low, cs.high) {
                (Some(_), Some(_)) => format!(" ({}–{})", percent(cs.low), percent(cs.high)),
                _ => String::new(),
            };
            let _ = write!(h, "<td>{}{}</td>", percent(cs.share), interval);
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// Every article as text, its sentences coloured by the label of task `t`.
fn articles(h: &mut String, summarizer: &Summarizer, t: usize) {
    let tasks = summarizer.tasks();
    let task = &tasks[t];
    h.push_str("<section id=\"articles\" aria-labelledby=\"articles-h\">\n<h2 id=\"articles-h\">Articles</h2>\n");
    let mut by_article: Vec<Vec<usize>> = vec![Vec::new(); summarizer.articles().len()];
    for (i, s) in summarizer.sentences().iter().enumerate() {
        by_article[s.article].push(i);
    }
    for (a, article) in summarizer.articles().iter().enumerate() {
        let _ = writeln!(
            h,
            "<article aria-labelledby=\"a{a}\">\n<h3 id=\"a{a}\">{}</h3>",
            esc(&article.key)
        );
        if !article.fields.is_empty() {
            let fields: Vec<String> =
                article.fields.iter().map(|(k, v)| format!("{}: {}", esc(k), esc(v))).collect();
            let _ = writeln!(h, "<p class=\"meta\">{}</p>", fields.join(" · "));
        }
        h.push_str("<p class=\"text\">");
        for &i in &by_article[a] {
            let s = &summarizer.sentences()[i];
            let p = &s.predictions[t];
            let class = &task.classes[p.label];
            let (colour, line) = class_style(class, p.label);
            let _ = write!(
                h,
                "<span class=\"s\" tabindex=\"0\" data-class=\"{}\" style=\"background:{colour}33;border-bottom:3px {line} {colour}\" aria-describedby=\"t{i}\">{}<span class=\"tip\" role=\"tooltip\" id=\"t{i}\">",
                esc(class),
                esc(&s.text),
            );
            for (k, (other, p)) in tasks.iter().zip(&s.predictions).enumerate() {
                if k > 0 {
                    h.push_str("<br>");
                }
                let probs: Vec<String> = other
                    .classes
                    .iter()
                    .zip(&p.probabilities)
                    .map(|(c, v)| format!("{} {:.2}", esc(c), v))
                    .collect();
                let _ = write!(
                    h,
                    "<b>{}: {}</b> ({})",
                    esc(&other.name),
                    esc(&other.classes[p.label]),
                    probs.join(", ")
                );
                if !p.terms.is_empty() {
                    let terms: Vec<String> = p
                        .terms
                        .iter()
                        .map(|(term, w)| format!("“{}” {:+.2}", esc(term), w))
                        .collect();
                    let _ = write!(h, "; terms: {}", terms.join(", "));
                }
            }
            h.push_str("</span></span> ");
        }
        h.push_str("</p>\n</article>\n");
    }
    h.push_str("</section>\n");
}
