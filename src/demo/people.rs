//! The people of the demo: operators of the landlord and of the civil-protection
//! association, their field teams, and the senior tenants of the landlord's estates
//! across the twenty arrondissements of Paris.

use std::collections::HashSet;

use chrono::{DateTime, Days, Months, NaiveDate, Utc};

use crate::domain::Role;
use crate::domain::parse::fold;
use crate::store::NewTenant;
use crate::store::bulk::{BulkFieldTeam, BulkOperator};

use super::inputs::{Inputs, for_person, pick};
use super::phones::{Phones, spoken};

/// One operator for this many tenants: the 2020 program called its 40,000 seniors a week
/// with about 400 volunteers (docs/REPORT.md, "The demo"), each giving a few half-days a
/// week (`staffing`).
const TENANTS_PER_OPERATOR: usize = 100;

/// Senior tenants per building, on average.
const TENANTS_PER_BUILDING: usize = 12;

/// Ages by five-year bands, as shares: the oldest are the fewest.
const AGE_BANDS: &[(u32, u32, u32)] = &[
    (70, 74, 28),
    (75, 79, 25),
    (80, 84, 20),
    (85, 89, 14),
    (90, 94, 8),
    (95, 99, 4),
    (100, 102, 1),
];

/// The operators: those of `assets/demo.toml` first (one coordinator), then made-up
/// ones when there are many tenants. Ids start at 1.
pub fn operators(
    inputs: &Inputs,
    tenants: usize,
    created_at: DateTime<Utc>,
    phones: &mut Phones,
    rng: &mut fastrand::Rng,
) -> Vec<BulkOperator> {
    let wanted = inputs
        .operator
        .len()
        .max(1 + tenants / TENANTS_PER_OPERATOR);
    let organisation = |code: &str| {
        if code == "association" {
            inputs.association.clone()
        } else {
            inputs.landlord.clone()
        }
    };
    inputs
        .operator
        .iter()
        .map(|o| {
            (
                o.login.clone(),
                o.name.clone(),
                organisation(&o.organisation),
                o.role,
            )
        })
        .chain((inputs.operator.len()..wanted).map(|n| {
            let first = if rng.bool() {
                pick(rng, &inputs.names.women)
            } else {
                pick(rng, &inputs.names.men)
            };
            let last = pick(rng, &inputs.names.last);
            let org = if n % 2 == 0 {
                "landlord"
            } else {
                "association"
            };
            (
                format!("{}.{}{}", fold(first), fold(last), n + 1),
                format!("{first} {last}"),
                organisation(org),
                Role::Operator,
            )
        }))
        .enumerate()
        .map(|(i, (login, name, organisation, role))| BulkOperator {
            id: i as i64 + 1,
            email: Some(format!("{login}@example.org")),
            login,
            name,
            organisation,
            role,
            phone: Some(phones.mobile()),
            created_at,
        })
        .collect()
}

pub fn field_teams(inputs: &Inputs) -> Vec<BulkFieldTeam> {
    inputs
        .field_team
        .iter()
        .enumerate()
        .map(|(i, t)| BulkFieldTeam {
            id: i as i64 + 1,
            name: t.name.clone(),
            members: t.members.clone(),
        })
        .collect()
}

/// The field team that covers a postcode.
pub fn team_for(inputs: &Inputs, postcode: &str) -> i64 {
    inputs
        .field_team
        .iter()
        .position(|t| t.postcodes.iter().any(|p| p == postcode))
        .unwrap_or(0) as i64
        + 1
}

/// A building of an estate, and the flats already given to a tenant.
struct Building {
    arrondissement: usize,
    address: String,
    building: String,
    staircases: Vec<String>,
    floors: u32,
    doors_per_floor: u32,
    numbered_doors: bool,
    access_code: String,
}

fn buildings(inputs: &Inputs, count: usize, rng: &mut fastrand::Rng) -> Vec<Building> {
    let weights: Vec<u32> = inputs.arrondissement.iter().map(|a| a.weight).collect();
    let total: u32 = weights.iter().sum();
    let mut out = Vec::with_capacity(count);
    // Every arrondissement has at least one estate; the rest follow the weights.
    let mut next = 0usize;
    while out.len() < count {
        let arrondissement = if next < weights.len() {
            next
        } else {
            let mut at = rng.u32(0..total.max(1));
            weights
                .iter()
                .position(|w| {
                    if at < *w {
                        true
                    } else {
                        at -= w;
                        false
                    }
                })
                .unwrap_or(0)
        };
        next += 1;
        let street = pick(rng, &inputs.arrondissement[arrondissement].streets);
        let address = format!("{} {street}", rng.u32(1..=180));
        let in_estate = rng.usize(1..=4);
        let floors = rng.u32(4..=14);
        let doors_per_floor = rng.u32(2..=6);
        let numbered_doors = doors_per_floor > 4 || rng.bool();
        for b in 0..in_estate {
            let staircases = rng.usize(1..=3);
            out.push(Building {
                arrondissement,
                address: address.clone(),
                building: if in_estate == 1 {
                    String::new()
                } else {
                    format!("Bât. {}", (b'A' + b as u8) as char)
                },
                staircases: if staircases == 1 {
                    vec![String::new()]
                } else {
                    (1..=staircases).map(|s| format!("Esc. {s}")).collect()
                },
                floors,
                doors_per_floor,
                numbered_doors,
                access_code: if rng.u8(0..100) < 15 {
                    String::new()
                } else {
                    format!(
                        "{}{}{}",
                        rng.u8(10..100),
                        if rng.bool() { 'A' } else { 'B' },
                        rng.u8(10..100)
                    )
                },
            });
        }
    }
    out.truncate(count);
    out
}

fn floor_label(floor: u32) -> String {
    match floor {
        0 => "RDC".into(),
        1 => "1er".into(),
        n => format!("{n}e"),
    }
}

fn door_label(b: &Building, floor: u32, k: u32) -> String {
    const SIDES: [&str; 4] = ["gauche", "droite", "face", "fond"];
    if b.numbered_doors {
        format!("{floor}{:02}", k + 1)
    } else {
        SIDES[k as usize % SIDES.len()].to_string()
    }
}

fn age(rng: &mut fastrand::Rng) -> u32 {
    let total: u32 = AGE_BANDS.iter().map(|b| b.2).sum();
    let mut at = rng.u32(0..total);
    for (low, high, share) in AGE_BANDS {
        if at < *share {
            return rng.u32(*low..=*high);
        }
        at -= share;
    }
    70
}

/// A birth date giving exactly `age` years on `today`.
fn birth_date(age: u32, today: NaiveDate, rng: &mut fastrand::Rng) -> Option<NaiveDate> {
    today
        .checked_sub_months(Months::new(age * 12))?
        .checked_sub_days(Days::new(rng.u64(0..365)))
}

/// `count` tenants, aged 70 to 102 on `today`, several to a building.
pub fn tenants(
    inputs: &Inputs,
    count: usize,
    today: NaiveDate,
    phones: &mut Phones,
    rng: &mut fastrand::Rng,
) -> Vec<NewTenant> {
    let buildings = buildings(inputs, (count / TENANTS_PER_BUILDING).max(20), rng);
    let mut flats: HashSet<(usize, usize, u32, u32)> = HashSet::with_capacity(count);
    (0..count)
        .map(|i| {
            let age = age(rng);
            // Women outlive men: most of the oldest tenants are women.
            let woman = rng.f64() < (0.55 + 0.011 * f64::from(age - 70)).min(0.9);
            let alone =
                rng.f64() < 0.5 + 0.006 * f64::from(age - 70) + if woman { 0.08 } else { -0.06 };
            let r = rng.f64();
            let mut share = 0.0;
            let spoken_language = inputs.language.iter().find(|l| {
                share += l.share;
                r < share
            });
            // Some French speakers also carry names of the same origins.
            let names_from = spoken_language.or_else(|| {
                (rng.u8(0..100) < 6).then(|| &inputs.language[rng.usize(..inputs.language.len())])
            });
            let (first, last) = match names_from {
                Some(l) => (
                    pick(rng, if woman { &l.women } else { &l.men }),
                    pick(rng, &l.last),
                ),
                None => (
                    pick(
                        rng,
                        if woman {
                            &inputs.names.women
                        } else {
                            &inputs.names.men
                        },
                    ),
                    pick(rng, &inputs.names.last),
                ),
            };

            let (mut b, mut stair, mut floor, mut door) = (0, 0, 0, 0);
            for _ in 0..8 {
                b = rng.usize(..buildings.len());
                let bd = &buildings[b];
                stair = rng.usize(..bd.staircases.len());
                floor = rng.u32(0..=bd.floors);
                door = rng.u32(0..bd.doors_per_floor);
                if flats.insert((b, stair, floor, door)) {
                    break;
                }
            }
            let bd = &buildings[b];

            let fixed_first = rng.u8(0..100) < 65;
            let phone = if fixed_first {
                phones.fixed()
            } else {
                phones.mobile()
            };
            let phone_alt = (rng.u8(0..100) < 28).then(|| {
                if fixed_first {
                    phones.mobile()
                } else {
                    phones.fixed()
                }
            });
            let mut notes = Vec::new();
            if rng.u8(0..100) < 22 {
                let note = for_person(pick(rng, &inputs.texts.tenant_notes), woman);
                notes.push(if note.contains("{mobile}") {
                    note.replace("{mobile}", &spoken(&phones.mobile()))
                } else {
                    note
                });
            }
            if let Some(l) = spoken_language.filter(|_| rng.u8(0..100) < 70) {
                notes.push(l.note.clone());
            }
            NewTenant {
                external_ref: format!("LP-{:06}", i + 1),
                title: if woman { "Mme" } else { "M." }.into(),
                last_name: last.to_string(),
                first_name: first.to_string(),
                birth_date: birth_date(age, today, rng),
                phone: Some(phone),
                phone_alt,
                address: bd.address.clone(),
                postcode: inputs.arrondissement[bd.arrondissement].postcode.clone(),
                city: "Paris".into(),
                building: bd.building.clone(),
                staircase: bd.staircases[stair].clone(),
                floor: floor_label(floor),
                door: door_label(bd, floor, door),
                access_code: bd.access_code.clone(),
                lives_alone: Some(alone),
                language: spoken_language.map_or_else(|| "fr".into(), |l| l.code.clone()),
                notes: notes.join(" "),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tenant::age_on;

    #[test]
    fn tenants_look_like_a_landlords_senior_tenants() {
        let inputs = super::super::inputs::inputs().unwrap();
        let mut rng = fastrand::Rng::with_seed(5);
        let mut phones = Phones::new(&mut rng);
        let today: NaiveDate = "2026-11-28".parse().unwrap();
        let list = tenants(inputs, 2000, today, &mut phones, &mut rng);
        let ages: Vec<u32> = list
            .iter()
            .map(|t| age_on(t.birth_date.unwrap(), today).unwrap())
            .collect();
        assert!(ages.iter().all(|a| (70..=102).contains(a)));
        let young = ages.iter().filter(|a| **a < 80).count();
        let old = ages.iter().filter(|a| **a >= 90).count();
        assert!(young > 3 * old, "{young} under 80, {old} over 90");
        let alone = list.iter().filter(|t| t.lives_alone == Some(true)).count() as f64 / 2000.0;
        assert!((0.55..0.65).contains(&alone), "{alone}");
        let oldest: Vec<&NewTenant> = list
            .iter()
            .zip(&ages)
            .filter(|(_, a)| **a >= 90)
            .map(|(t, _)| t)
            .collect();
        let women = oldest.iter().filter(|t| t.title == "Mme").count();
        assert!(
            women * 3 > oldest.len() * 2,
            "{women} women of {}",
            oldest.len()
        );
        let postcodes: HashSet<&str> = list.iter().map(|t| t.postcode.as_str()).collect();
        assert_eq!(postcodes.len(), 20);
        let others = list.iter().filter(|t| t.language != "fr").count();
        assert!((40..200).contains(&others), "{others}");
        let mut per_building = std::collections::HashMap::new();
        for t in &list {
            *per_building.entry((&t.address, &t.building)).or_insert(0) += 1;
        }
        let shared = list
            .iter()
            .filter(|t| per_building[&(&t.address, &t.building)] > 1)
            .count();
        assert!(shared > 1800, "{shared} tenants share their building");
        let flats: HashSet<_> = list
            .iter()
            .map(|t| (&t.address, &t.building, &t.staircase, &t.floor, &t.door))
            .collect();
        assert!(flats.len() > 1990);
    }

    #[test]
    fn many_tenants_get_more_operators_with_distinct_logins() {
        let inputs = super::super::inputs::inputs().unwrap();
        let mut rng = fastrand::Rng::with_seed(5);
        let mut phones = Phones::new(&mut rng);
        let now: DateTime<Utc> = "2026-11-28T09:00:00Z".parse().unwrap();
        let few = operators(inputs, 2000, now, &mut phones, &mut rng);
        // The eleven of assets/demo.toml, and ten more: one for a hundred tenants.
        assert_eq!(few.len(), 21);
        assert_eq!(
            few.iter().filter(|o| o.role == Role::Coordinator).count(),
            1
        );
        let many = operators(inputs, 100_000, now, &mut phones, &mut rng);
        assert_eq!(many.len(), 1001);
        let logins: HashSet<&str> = many.iter().map(|o| o.login.as_str()).collect();
        assert_eq!(logins.len(), 1001);
    }
}
