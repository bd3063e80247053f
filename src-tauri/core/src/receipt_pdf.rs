//! A receipt as a one-page A4 PDF (pdf-writer; the standard Helvetica fonts, so nothing is
//! embedded and any PDF reader shows it). Helvetica's encoding (WinAnsi) has no rupee sign:
//! amounts read "Rs 499.00", and any other character outside Latin-1 prints as "?".

use crate::receipts::Receipt;
use chrono::FixedOffset;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE.0 - 56.0;

/// Text as Helvetica's WinAnsi bytes: Latin-1 as it is, "₹" as "Rs", anything else "?".
fn latin1(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '₹' => out.extend_from_slice(b"Rs "),
            '—' | '–' => out.push(b'-'),
            c if (c as u32) < 256 && !c.is_control() => out.push(c as u32 as u8),
            _ => out.push(b'?'),
        }
    }
    out
}

/// An amount in minor units as "Rs 1234.50".
pub fn amount(minor: i64) -> String {
    format!("Rs {}.{:02}", minor / 100, (minor % 100).abs())
}

/// Rough width of Helvetica text in points (for right-aligned amounts): digits and most
/// letters are about half the font size.
fn width(text: &[u8], size: f32) -> f32 {
    text.len() as f32 * size * 0.55
}

struct Page {
    content: Content,
    y: f32,
}

impl Page {
    fn text(&mut self, font: &[u8], size: f32, x: f32, text: &str) {
        let bytes = latin1(text);
        self.content
            .begin_text()
            .set_font(Name(font), size)
            .next_line(x, self.y)
            .show(Str(&bytes))
            .end_text();
    }

    fn right(&mut self, font: &[u8], size: f32, text: &str) {
        let bytes = latin1(text);
        let x = RIGHT - width(&bytes, size);
        self.content
            .begin_text()
            .set_font(Name(font), size)
            .next_line(x, self.y)
            .show(Str(&bytes))
            .end_text();
    }

    fn rule(&mut self) {
        self.content
            .move_to(LEFT, self.y)
            .line_to(RIGHT, self.y)
            .stroke();
    }

    fn down(&mut self, by: f32) {
        self.y -= by;
    }
}

/// Renders a receipt; times are shown at `offset` (the business's local time).
pub fn render(r: &Receipt, offset: FixedOffset) -> Vec<u8> {
    let (catalog, tree, page_id, regular, bold, content_id, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
        Ref::new(7),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
    page.parent(tree);
    page.contents(content_id);
    page.resources()
        .fonts()
        .pair(Name(b"F1"), regular)
        .pair(Name(b"F2"), bold);
    page.finish();
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = format!("Receipt {} - {}", r.number, r.business_name);
    pdf.document_info(info).title(TextStr(&title));

    let mut p = Page {
        content: Content::new(),
        y: PAGE.1 - 72.0,
    };
    p.text(b"F2", 18.0, LEFT, &r.business_name);
    p.down(18.0);
    for line in r.business_address.lines().filter(|l| !l.trim().is_empty()) {
        p.text(b"F1", 10.0, LEFT, line.trim());
        p.down(13.0);
    }
    p.down(16.0);
    p.text(b"F2", 14.0, LEFT, &format!("Receipt No. {}", r.number));
    let issued = r
        .issued_at
        .at_offset(offset)
        .format("%-d %b %Y, %H:%M")
        .to_string();
    p.right(b"F1", 10.0, &issued);
    p.down(24.0);
    let visit = r
        .visit_at
        .at_offset(offset)
        .format("%-d %b %Y, %H:%M")
        .to_string();
    for (label, value) in [
        ("Customer", r.customer_name.as_str()),
        ("Service", r.service_name.as_str()),
        ("Professional", r.professional_name.as_str()),
        ("Visit", visit.as_str()),
        ("Request", &format!("#{}", r.request_id)),
    ] {
        p.text(b"F2", 10.0, LEFT, label);
        p.text(b"F1", 10.0, LEFT + 90.0, value);
        p.down(15.0);
    }
    p.down(10.0);
    p.text(b"F2", 10.0, LEFT, "Item");
    p.right(b"F2", 10.0, "Amount");
    p.down(6.0);
    p.rule();
    p.down(16.0);
    for line in &r.lines {
        p.text(b"F1", 10.0, LEFT, &line.description);
        p.right(b"F1", 10.0, &amount(line.amount_minor));
        p.down(15.0);
    }
    p.down(-9.0);
    p.rule();
    p.down(18.0);
    p.text(b"F2", 12.0, LEFT, "Total");
    p.right(b"F2", 12.0, &amount(r.total_minor));
    p.down(26.0);
    let paid = if r.payment_reference.is_empty() {
        format!("Paid by {}", r.payment_method.label())
    } else {
        format!(
            "Paid by {} (reference {})",
            r.payment_method.label(),
            r.payment_reference
        )
    };
    p.text(b"F1", 10.0, LEFT, &paid);
    p.down(40.0);
    p.text(b"F1", 9.0, LEFT, "Thank you for your business.");
    pdf.stream(content_id, &p.content.finish());
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipts::PaymentMethod;
    use crate::store::receipts::ReceiptLine;
    use crate::Timestamp;

    fn receipt() -> Receipt {
        Receipt {
            number: 42,
            request_id: 7,
            issued_at: Timestamp::parse("2026-12-03T12:00:00Z").unwrap(),
            business_name: "Sharma Home Services".into(),
            business_address: "12 MG Road\nBengaluru".into(),
            customer_name: "Cara D'Souza".into(),
            professional_name: "Ravi Kumar".into(),
            service_name: "Plumbing".into(),
            visit_at: Timestamp::parse("2026-12-03T10:00:00Z").unwrap(),
            lines: vec![
                ReceiptLine {
                    description: "Plumbing".into(),
                    amount_minor: 49_900,
                },
                ReceiptLine {
                    description: "Washer (₹40)".into(),
                    amount_minor: 4_000,
                },
            ],
            total_minor: 53_900,
            payment_method: PaymentMethod::Upi,
            payment_reference: "UPI-4321".into(),
        }
    }

    #[test]
    fn the_pdf_carries_the_receipt_as_text() {
        let bytes = render(&receipt(), FixedOffset::east_opt(5 * 3600 + 1800).unwrap());
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&bytes);
        for expected in [
            "Receipt No. 42",
            "Sharma Home Services",
            "Cara D'Souza",
            "Rs 539.00",
            "Rs 40.00",
            "Washer (Rs 40)",
            "Paid by UPI (reference UPI-4321)",
            "3 Dec 2026, 15:30",
        ] {
            assert!(text.contains(expected), "missing {expected:?}");
        }
    }

    #[test]
    fn text_outside_latin1_does_not_break_the_pdf() {
        assert_eq!(latin1("₹5 — café 日本"), b"Rs 5 - caf\xe9 ??".to_vec());
        assert_eq!(amount(53_900), "Rs 539.00");
        assert_eq!(amount(5), "Rs 0.05");
    }
}
