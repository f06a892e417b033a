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

word_enum! {
    /// How a fee item computes its amount.
    FeeKind {
        /// Area × price per m² per month × months (物业费).
        ByArea => "按面积",
        /// A fixed amount per month.
        Fixed => "固定",
        /// A fixed amount per registered vehicle per month (车辆管理费).
        PerVehicle => "按车辆",
        /// Usage from the unit's meter × price (自用水电).
        Metered => "抄表",
        /// A common meter's cost shared over units (公摊).
        Shared => "公摊",
        /// Charged once, by hand (装修押金, 有偿维修, 工本费).
        OneOff => "一次性",
    }
}

word_enum! {
    /// How a payment was made.
    PayMethod {
        /// Cash counted at the desk.
        Cash => "现金",
        /// WeChat Pay.
        WeChat => "微信",
        /// Alipay.
        Alipay => "支付宝",
        /// Bank card (POS).
        Card => "银行卡",
        /// Bank transfer.
        Transfer => "转账",
        /// Paid from the unit's prepaid balance only.
        Balance => "预存抵扣",
    }
}

word_enum! {
    /// How a dunning attempt was made.
    DunningMethod {
        /// A phone call.
        Phone => "电话",
        /// A letter or notice.
        Letter => "信件",
        /// A visit.
        Visit => "上门",
        /// A text message.
        Sms => "短信",
    }
}

word_enum! {
    /// What a meter measures.
    MeterKind {
        /// Water (吨, m³).
        Water => "水",
        /// Electricity (度, kWh).
        Electricity => "电",
        /// Gas (方, m³).
        Gas => "燃气",
    }
}

impl Default for MeterKind {
    /// Water: the meter every unit has.
    fn default() -> Self {
        Self::Water
    }
}

impl MeterKind {
    /// The unit its usage is counted in, as printed on bills: 吨, 度, 方.
    #[must_use]
    pub fn usage_unit(self) -> &'static str {
        match self {
            Self::Water => "吨",
            Self::Electricity => "度",
            Self::Gas => "方",
        }
    }

    /// The meter's name: 水表, 电表, 燃气表.
    #[must_use]
    pub fn meter_name(self) -> &'static str {
        match self {
            Self::Water => "水表",
            Self::Electricity => "电表",
            Self::Gas => "燃气表",
        }
    }
}

word_enum! {
    /// How a common meter's cost is shared over units (公摊方式).
    ShareBasis {
        /// In proportion to each unit's floor area.
        ByArea => "按面积",
        /// Equally per household (unit).
        ByHousehold => "按户",
    }
}

word_enum! {
    /// Which units a common meter is shared over (公摊范围).
    ShareScope {
        /// The units of the meter's building.
        Building => "本楼栋",
        /// Every unit of the estate.
        Estate => "全小区",
        /// A list of units chosen by hand.
        Units => "指定房屋",
    }
}

word_enum! {
    /// Where a meter reading stands.
    ReadingState {
        /// Taken and accepted.
        Normal => "正常",
        /// To be read again by engineering (待复核).
        Recheck => "待复核",
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
