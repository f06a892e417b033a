//! The fixed vocabularies of the archive, in the desk's words.

use serde::{Deserialize, Serialize};

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order the desk lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The word shown and stored.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $word),+
                }
            }

            /// Reads the stored or typed word.
            #[must_use]
            pub fn parse(word: &str) -> Option<Self> {
                match word.trim() {
                    $($word => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum! {
    /// What a unit is.
    UnitKind {
        /// A flat.
        Residence => "住宅",
        /// A shop.
        Shop => "店面",
        /// A parking space.
        Parking => "车位",
    }
}

word_enum! {
    /// Where a unit stands.
    UnitStatus {
        /// Not yet handed over to the owner.
        NotHandedOver => "未交房",
        /// Handed over, nobody living there.
        Vacant => "空置",
        /// Being decorated.
        Decorating => "装修中",
        /// Lived in by the owner.
        Occupied => "已入住",
        /// Let to a tenant.
        Rented => "出租",
    }
}

word_enum! {
    /// How a person belongs to a unit.
    OccupantRole {
        /// Owner (业主).
        Owner => "业主",
        /// Lives with the owner (同住).
        CoResident => "同住",
        /// Rents the unit (租户).
        Tenant => "租户",
    }
}

word_enum! {
    /// What the office issues to a unit.
    CardKind {
        /// Resident access card.
        ResidentCard => "住户卡",
        /// Car park card.
        CarCard => "车卡",
        /// Video intercom handset.
        Intercom => "可视对讲机",
    }
}

word_enum! {
    /// An operator's role.
    Role {
        /// Front desk (客服).
        FrontDesk => "客服",
        /// Supervisor (主管): may void receipts, close months, edit settings.
        Supervisor => "主管",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for s in UnitStatus::ALL {
            assert_eq!(UnitStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(UnitKind::parse(" 店面 "), Some(UnitKind::Shop));
        assert_eq!(Role::parse("经理"), None);
    }
}
