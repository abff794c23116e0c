//! Bad input never panics, and every refusal names what was refused: property tests of
//! the field parsers and of the CSV import, over arbitrary text and bytes.

use proptest::prelude::*;
use std::fmt::Write as _;
use veille::domain::parse;
use veille::domain::phone::Phone;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn phone_parsing_never_panics_and_names_what_it_refuses(text in "\\PC{0,30}") {
        match Phone::parse(&text) {
            Ok(p) => {
                // The canonical form and the displayed form both read back the same.
                prop_assert_eq!(Phone::parse(p.as_str()).unwrap(), p.clone());
                prop_assert_eq!(Phone::parse(&p.display()).unwrap(), p);
            }
            Err(e) => prop_assert!(text.trim().is_empty() || e.contains(text.trim()), "{}", e),
        }
    }

    #[test]
    fn french_numbers_in_any_common_form_read_the_same(
        first in 1u8..=9, rest in proptest::collection::vec(0u8..=99, 4),
        form in 0usize..5,
    ) {
        let pairs: Vec<String> = rest.iter().map(|p| format!("{p:02}")).collect();
        let national = format!("0{first}{}", pairs.concat());
        let written = match form {
            0 => format!("0{first} {}", pairs.join(" ")),
            1 => format!("0{first}.{}", pairs.join(".")),
            2 => format!("+33 {first} {}", pairs.join(" ")),
            3 => format!("0033{first}{}", pairs.concat()),
            _ => format!("{first}{}", pairs.concat()),
        };
        let read = Phone::parse(&written).unwrap();
        prop_assert_eq!(read.as_str(), national.as_str());
    }

    #[test]
    fn date_and_time_parsers_never_panic_and_name_what_they_refuse(text in "\\PC{0,24}") {
        for result in [parse::date(&text).map(|_| ()), parse::time(&text).map(|_| ()), parse::date_time(&text).map(|_| ()), parse::yes_no(&text).map(|_| ())] {
            if let Err(e) = result {
                prop_assert!(e.contains(text.trim()), "{}", e);
            }
        }
    }

    #[test]
    fn every_real_date_reads_back_from_its_french_form(days in 0i64..60_000) {
        let d = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
        prop_assert_eq!(parse::date(&d.format("%d/%m/%Y").to_string()), Ok(d));
        prop_assert_eq!(parse::date(&d.format("%Y-%m-%d").to_string()), Ok(d));
    }

    #[test]
    fn the_tenant_import_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = veille::import::tenants::read(bytes);
    }

    #[test]
    fn every_bad_row_is_named_with_its_line(
        rows in proptest::collection::vec((any::<bool>(), "[A-Za-zéèêëàçôœ' -]{1,12}", "\\PC{0,12}"), 1..25),
    ) {
        let mut csv = String::from("Référence;Nom;Téléphone;Date de naissance\r\n");
        let mut bad_lines = Vec::new();
        for (i, (good, name, junk)) in rows.iter().enumerate() {
            let line = i as u64 + 2;
            let name = name.trim();
            let name = if name.is_empty() { "X" } else { name };
            if *good {
                let _ = write!(csv, "R{i};{name};01 99 00 00 {:02};01/02/1940\r\n", i % 100);
            } else {
                // A date no calendar has, and whatever junk in the phone column.
                let junk = junk.replace([';', '"', '\r', '\n'], "");
                let _ = write!(csv, "R{i};{name};{junk}x;31/02/1940\r\n");
                bad_lines.push(line);
            }
        }
        let list = veille::import::tenants::read(csv.as_bytes()).unwrap();
        let mut named: Vec<u64> = list.problems.iter().map(|p| p.line).collect();
        named.dedup();
        prop_assert_eq!(named, bad_lines);
        prop_assert!(list.problems.iter().all(|p| !p.reason.is_empty() && !p.column.is_empty()));
    }
}
