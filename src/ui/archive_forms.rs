//! The archive's dialogs: new and edited units, people, transfers, vehicles, cards and
//! 大事记 entries. Each shows its reasons next to the fields and writes nothing until the
//! store accepts the whole thing.

use super::app::DeskCtx;
use super::date_picker::DateField;
use super::theme;
use super::widgets::{choice_row, field_row, shown_error};
use crate::domain::area::format_area;
use crate::domain::forms::{FieldErrors, PersonForm, UnitForm, check_plate};
use crate::domain::kinds::{CardKind, OccupantRole, UnitKind, UnitStatus};
use crate::store::{
    CardRow, OccupantRow, StoreError, StoreResult, UnitDetail, UnitRow, VehicleRow,
};

/// What happened to a dialog this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogOutcome {
    /// Still open.
    Open,
    /// Closed without saving.
    Cancelled,
    /// Saved; select this unit afterwards if given.
    Saved {
        /// The unit to show.
        select: Option<i64>,
    },
}

enum Body {
    Unit {
        unit_id: Option<i64>,
        form: UnitForm,
    },
    Building {
        name: String,
    },
    HandOver {
        unit_id: i64,
        date: DateField,
        status: UnitStatus,
    },
    Occupant {
        unit_id: i64,
        role: OccupantRole,
        person: PersonForm,
        start: DateField,
    },
    Transfer {
        unit_id: i64,
        person: PersonForm,
        date: DateField,
        note: String,
    },
    Person {
        person_id: i64,
        person: PersonForm,
    },
    EndOccupancy {
        occupancy_id: i64,
        name: String,
        date: DateField,
        reason: String,
    },
    Vehicle {
        unit_id: i64,
        plate: String,
        space: String,
        holder: Option<i64>,
    },
    EndVehicle {
        vehicle_id: i64,
        plate: String,
        date: DateField,
    },
    Card {
        unit_id: i64,
        kind: CardKind,
        card_no: String,
        date: DateField,
        holder: Option<i64>,
    },
    ReturnCard {
        card_id: i64,
        label: String,
        date: DateField,
    },
    Event {
        unit_id: i64,
        date: DateField,
        kind: String,
        text: String,
    },
}

/// An open dialog.
pub struct Dialog {
    title: String,
    body: Body,
    tried: bool,
    store_error: Option<(Option<&'static str>, String)>,
    /// The first field takes the keyboard focus when the dialog opens.
    focus_pending: bool,
}

fn dialog(title: impl Into<String>, body: Body) -> Dialog {
    Dialog {
        title: title.into(),
        body,
        tried: false,
        store_error: None,
        focus_pending: true,
    }
}

impl Dialog {
    /// 新增房屋.
    #[must_use]
    pub fn new_unit() -> Self {
        dialog(
            "新增房屋",
            Body::Unit {
                unit_id: None,
                form: UnitForm::default(),
            },
        )
    }

    /// 修改房屋信息.
    #[must_use]
    pub fn edit_unit(unit: &UnitRow) -> Self {
        let form = UnitForm {
            building: unit.building.clone(),
            code: unit.code.clone(),
            kind: UnitKind::parse(&unit.kind).unwrap_or(UnitKind::Residence),
            area: unit.area_centi_m2.map(format_area).unwrap_or_default(),
            status: UnitStatus::parse(&unit.status).unwrap_or(UnitStatus::Vacant),
            note: unit.note.clone(),
        };
        dialog(
            format!("修改房屋信息 {}", unit.code),
            Body::Unit {
                unit_id: Some(unit.id),
                form,
            },
        )
    }

    /// 新增楼栋.
    #[must_use]
    pub fn new_building() -> Self {
        dialog(
            "新增楼栋",
            Body::Building {
                name: String::new(),
            },
        )
    }

    /// 交房.
    #[must_use]
    pub fn hand_over(unit_id: i64) -> Self {
        dialog(
            "交房",
            Body::HandOver {
                unit_id,
                date: DateField::new(None),
                status: UnitStatus::Vacant,
            },
        )
    }

    /// 登记住户.
    #[must_use]
    pub fn add_occupant(unit_id: i64) -> Self {
        dialog(
            "登记住户",
            Body::Occupant {
                unit_id,
                role: OccupantRole::Owner,
                person: PersonForm::default(),
                start: DateField::new(None),
            },
        )
    }

    /// 过户.
    #[must_use]
    pub fn transfer(unit_id: i64) -> Self {
        dialog(
            "过户（产权变更）",
            Body::Transfer {
                unit_id,
                person: PersonForm::default(),
                date: DateField::new(None),
                note: String::new(),
            },
        )
    }

    /// The person's own form: the only place the full ID number is shown.
    #[must_use]
    pub fn edit_person(o: &OccupantRow) -> Self {
        dialog(
            format!("住户信息：{}", o.name),
            Body::Person {
                person_id: o.person_id,
                person: PersonForm {
                    name: o.name.clone(),
                    phone: o.phone.clone(),
                    id_number: o.id_number.clone(),
                    note: o.note.clone(),
                },
            },
        )
    }

    /// 迁出.
    #[must_use]
    pub fn end_occupancy(o: &OccupantRow) -> Self {
        dialog(
            format!("迁出：{} {}", o.role, o.name),
            Body::EndOccupancy {
                occupancy_id: o.occupancy_id,
                name: o.name.clone(),
                date: DateField::new(None),
                reason: String::new(),
            },
        )
    }

    /// 登记车辆.
    #[must_use]
    pub fn add_vehicle(unit_id: i64) -> Self {
        dialog(
            "登记车辆",
            Body::Vehicle {
                unit_id,
                plate: String::new(),
                space: String::new(),
                holder: None,
            },
        )
    }

    /// 注销车辆.
    #[must_use]
    pub fn end_vehicle(v: &VehicleRow) -> Self {
        dialog(
            format!("注销车辆 {}", v.plate),
            Body::EndVehicle {
                vehicle_id: v.id,
                plate: v.plate.clone(),
                date: DateField::new(None),
            },
        )
    }

    /// 发卡.
    #[must_use]
    pub fn issue_card(unit_id: i64) -> Self {
        dialog(
            "发卡",
            Body::Card {
                unit_id,
                kind: CardKind::ResidentCard,
                card_no: String::new(),
                date: DateField::new(None),
                holder: None,
            },
        )
    }

    /// 退卡.
    #[must_use]
    pub fn return_card(c: &CardRow) -> Self {
        dialog(
            format!("退还 {} {}", c.kind, c.card_no),
            Body::ReturnCard {
                card_id: c.id,
                label: format!("{} {}", c.kind, c.card_no),
                date: DateField::new(None),
            },
        )
    }

    /// 记大事记.
    #[must_use]
    pub fn add_event(unit_id: i64) -> Self {
        dialog(
            "记大事记",
            Body::Event {
                unit_id,
                date: DateField::new(None),
                kind: String::new(),
                text: String::new(),
            },
        )
    }

    /// Draws the dialog and saves on 保存.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut DeskCtx<'_>,
        unit: Option<&UnitDetail>,
    ) -> DialogOutcome {
        let mut outcome = DialogOutcome::Open;
        let today = ctx.today;
        let modal = egui::Modal::new(egui::Id::unique("archive_dialog")).show(ui.ctx(), |ui| {
            ui.set_min_width(460.0);
            ui.heading(&self.title);
            ui.add_space(8.0);
            let store_field = self
                .store_error
                .as_ref()
                .and_then(|(f, r)| f.map(|f| (f, r.clone())));
            let errors = self.field_errors(today, store_field);
            egui::Grid::new("dialog_grid")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    self.fields_ui(ui, &errors, today, unit);
                });
            if let Some((None, reason)) = &self.store_error {
                ui.label(egui::RichText::new(reason).color(theme::ERROR));
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(self.save_label()).clicked() {
                    self.tried = true;
                    if errors.is_empty() {
                        match self.save(ctx) {
                            Ok(select) => {
                                ctx.toasts.info(format!("{}：已保存", self.title));
                                outcome = DialogOutcome::Saved { select };
                            }
                            Err(StoreError::Invalid { field, reason }) => {
                                self.store_error = Some((Some(field), reason))
                            }
                            Err(e) => {
                                if e.is_busy() {
                                    ctx.busy = true;
                                }
                                self.store_error = Some((None, e.to_string()));
                            }
                        }
                    }
                }
                if ui.button("取消").clicked() {
                    outcome = DialogOutcome::Cancelled;
                }
            });
        });
        if modal.should_close() && outcome == DialogOutcome::Open {
            outcome = DialogOutcome::Cancelled;
        }
        outcome
    }

    fn save_label(&self) -> &'static str {
        match self.body {
            Body::Transfer { .. } => "确认过户",
            Body::HandOver { .. } => "确认交房",
            Body::EndOccupancy { .. } => "确认迁出",
            Body::EndVehicle { .. } => "确认注销",
            Body::ReturnCard { .. } => "确认退还",
            _ => "保存",
        }
    }

    /// Reasons per field as the form stands (the store's last answer included).
    fn field_errors(
        &self,
        today: chrono::NaiveDate,
        store_field: Option<(&'static str, String)>,
    ) -> FieldErrors {
        let mut errors = match &self.body {
            Body::Unit { form, .. } => form.check().err().unwrap_or_default(),
            Body::Occupant { person, .. }
            | Body::Transfer { person, .. }
            | Body::Person { person, .. } => person.check().err().unwrap_or_default(),
            Body::Vehicle { plate, .. } => {
                let mut e = FieldErrors::default();
                if let Err(reason) = check_plate(plate) {
                    e.push("车牌", reason);
                }
                e
            }
            Body::Building { name } => {
                let mut e = FieldErrors::default();
                if name.trim().is_empty() {
                    e.push("楼栋名称", "请填写楼栋名称");
                }
                e
            }
            Body::Event { text, .. } => {
                let mut e = FieldErrors::default();
                if text.trim().is_empty() {
                    e.push("事件", "请填写发生了什么");
                }
                e
            }
            _ => FieldErrors::default(),
        };
        if let Some(date) = self.date_field() {
            match date.parsed() {
                Ok(Some(d)) if d > today => errors.push("日期", "日期不能晚于今天"),
                Ok(_) => {}
                Err(reason) => errors.push("日期", reason),
            }
        }
        if let Some((field, reason)) = store_field
            && errors.get(field).is_none()
        {
            errors.push(field, reason);
        }
        errors
    }

    fn date_field(&self) -> Option<&DateField> {
        match &self.body {
            Body::HandOver { date, .. }
            | Body::Transfer { date, .. }
            | Body::EndOccupancy { date, .. }
            | Body::EndVehicle { date, .. }
            | Body::Card { date, .. }
            | Body::ReturnCard { date, .. }
            | Body::Event { date, .. } => Some(date),
            Body::Occupant { start, .. } => Some(start),
            _ => None,
        }
    }

    fn fields_ui(
        &mut self,
        ui: &mut egui::Ui,
        errors: &FieldErrors,
        today: chrono::NaiveDate,
        unit: Option<&UnitDetail>,
    ) {
        let tried = self.tried;
        let focus = std::mem::take(&mut self.focus_pending);
        let take_focus = |r: egui::Response| {
            if focus {
                r.request_focus();
            }
        };
        let err =
            |field: &str, value: &str| shown_error(errors, field, value, tried).map(str::to_owned);
        let date_row = |ui: &mut egui::Ui, label: &str, date: &mut DateField| -> egui::Response {
            let r = date.ui(ui, label, today);
            ui.end_row();
            if let Some(reason) = shown_error(errors, "日期", date.text(), tried) {
                ui.label("");
                ui.label(egui::RichText::new(reason).color(theme::ERROR));
                ui.end_row();
            }
            r
        };
        let holders: Vec<(i64, String)> = unit
            .map(|d| {
                d.occupants
                    .iter()
                    .filter(|o| o.end_date.is_none())
                    .map(|o| (o.person_id, format!("{} {}", o.role, o.name)))
                    .collect()
            })
            .unwrap_or_default();
        match &mut self.body {
            Body::Unit { form, .. } => {
                let e = err("楼栋", &form.building);
                field_row(ui, "楼栋", &mut form.building, e.as_deref());
                let e = err("房号", &form.code);
                take_focus(field_row(ui, "房号", &mut form.code, e.as_deref()));
                choice_row(ui, "类型", &mut form.kind, UnitKind::ALL);
                let e = err("建筑面积", &form.area);
                field_row(ui, "建筑面积(㎡)", &mut form.area, e.as_deref());
                choice_row(ui, "状态", &mut form.status, UnitStatus::ALL);
                field_row(ui, "备注", &mut form.note, None);
                ui.label("");
                ui.label(
                    egui::RichText::new(
                        "楼栋可不填：房号写成 3栋2单元1502 时自动识别。面积可以以后补。",
                    )
                    .color(theme::MUTED)
                    .small(),
                );
                ui.end_row();
            }
            Body::Building { name } => {
                let e = err("楼栋名称", name);
                take_focus(field_row(ui, "楼栋名称", name, e.as_deref()));
            }
            Body::HandOver { date, status, .. } => {
                take_focus(date_row(ui, "交房日期", date));
                let mut choices: Vec<UnitStatus> = UnitStatus::ALL.to_vec();
                choices.retain(|s| *s != UnitStatus::NotHandedOver);
                choice_row(ui, "交房后状态", status, &choices);
            }
            Body::Occupant {
                role,
                person,
                start,
                ..
            } => {
                choice_row(ui, "身份", role, OccupantRole::ALL);
                take_focus(person_rows(ui, person, &err));
                date_row(ui, "起始日期", start);
            }
            Body::Transfer {
                person, date, note, ..
            } => {
                ui.label("");
                ui.label(
                    egui::RichText::new(
                        "原业主和同住人的记录会结束并保留在历史中，原业主名下车辆一并注销。",
                    )
                    .color(theme::MUTED)
                    .small(),
                );
                ui.end_row();
                take_focus(person_rows(ui, person, &err));
                date_row(ui, "过户日期", date);
                field_row(ui, "说明", note, None);
            }
            Body::Person { person, .. } => take_focus(person_rows(ui, person, &err)),
            Body::EndOccupancy {
                name, date, reason, ..
            } => {
                ui.label("住户");
                ui.label(name.as_str());
                ui.end_row();
                take_focus(date_row(ui, "迁出日期", date));
                field_row(ui, "原因", reason, None);
            }
            Body::Vehicle {
                plate,
                space,
                holder,
                ..
            } => {
                let e = err("车牌", plate);
                take_focus(field_row(ui, "车牌", plate, e.as_deref()));
                field_row(ui, "车位", space, None);
                holder_row(ui, holder, &holders);
            }
            Body::EndVehicle { plate, date, .. } => {
                ui.label("车牌");
                ui.label(plate.as_str());
                ui.end_row();
                take_focus(date_row(ui, "注销日期", date));
            }
            Body::Card {
                kind,
                card_no,
                date,
                holder,
                ..
            } => {
                choice_row(ui, "种类", kind, CardKind::ALL);
                let e = err("卡号", card_no);
                take_focus(field_row(ui, "卡号", card_no, e.as_deref()));
                date_row(ui, "发放日期", date);
                holder_row(ui, holder, &holders);
            }
            Body::ReturnCard { label, date, .. } => {
                ui.label("卡片");
                ui.label(label.as_str());
                ui.end_row();
                take_focus(date_row(ui, "退还日期", date));
            }
            Body::Event {
                date, kind, text, ..
            } => {
                take_focus(date_row(ui, "发生日期", date));
                field_row(ui, "类别", kind, None);
                let e = err("事件", text);
                field_row(ui, "事件", text, e.as_deref());
            }
        }
    }

    fn save(&self, ctx: &mut DeskCtx<'_>) -> StoreResult<Option<i64>> {
        let today = ctx.today;
        let day = |d: &DateField| d.parsed().ok().flatten().unwrap_or(today);
        let (store, actor) = (&mut *ctx.store, ctx.actor);
        match &self.body {
            Body::Unit {
                unit_id: None,
                form,
            } => store.add_unit(actor, form).map(Some),
            Body::Unit {
                unit_id: Some(id),
                form,
            } => store.update_unit(actor, *id, form).map(|()| Some(*id)),
            Body::Building { name } => store.add_building(actor, name).map(|_| None),
            Body::HandOver {
                unit_id,
                date,
                status,
            } => store
                .hand_over(actor, *unit_id, day(date), *status)
                .map(|()| Some(*unit_id)),
            Body::Occupant {
                unit_id,
                role,
                person,
                start,
            } => store
                .add_occupant(actor, *unit_id, *role, person, day(start))
                .map(|_| Some(*unit_id)),
            Body::Transfer {
                unit_id,
                person,
                date,
                note,
            } => store
                .transfer_ownership(actor, *unit_id, day(date), person, note)
                .map(|()| Some(*unit_id)),
            Body::Person { person_id, person } => store
                .update_person(actor, *person_id, person)
                .map(|()| None),
            Body::EndOccupancy {
                occupancy_id,
                date,
                reason,
                ..
            } => store
                .end_occupancy(actor, *occupancy_id, day(date), reason)
                .map(|()| None),
            Body::Vehicle {
                unit_id,
                plate,
                space,
                holder,
            } => store
                .add_vehicle(actor, *unit_id, *holder, plate, space)
                .map(|_| Some(*unit_id)),
            Body::EndVehicle {
                vehicle_id, date, ..
            } => store
                .end_vehicle(actor, *vehicle_id, day(date))
                .map(|()| None),
            Body::Card {
                unit_id,
                kind,
                card_no,
                date,
                holder,
            } => store
                .issue_card(actor, *unit_id, *holder, *kind, card_no, day(date))
                .map(|_| Some(*unit_id)),
            Body::ReturnCard { card_id, date, .. } => {
                store.return_card(actor, *card_id, day(date)).map(|()| None)
            }
            Body::Event {
                unit_id,
                date,
                kind,
                text,
            } => store
                .add_unit_event(actor, *unit_id, day(date), kind, text)
                .map(|()| Some(*unit_id)),
        }
    }
}

/// The person's fields; returns the name field (the one to focus first).
fn person_rows(
    ui: &mut egui::Ui,
    person: &mut PersonForm,
    err: &dyn Fn(&str, &str) -> Option<String>,
) -> egui::Response {
    let e = err("姓名", &person.name);
    let name = field_row(ui, "姓名", &mut person.name, e.as_deref());
    let e = err("电话", &person.phone);
    field_row(ui, "电话", &mut person.phone, e.as_deref());
    let e = err("身份证号", &person.id_number);
    field_row(ui, "身份证号", &mut person.id_number, e.as_deref());
    field_row(ui, "备注", &mut person.note, None);
    name
}

fn holder_row(ui: &mut egui::Ui, holder: &mut Option<i64>, people: &[(i64, String)]) {
    let label = ui.label("持有人");
    let current = holder
        .and_then(|id| people.iter().find(|(p, _)| *p == id))
        .map_or("（不指定）", |(_, n)| n.as_str());
    egui::ComboBox::from_id_salt("holder")
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(holder, None, "（不指定）");
            for (id, name) in people {
                ui.selectable_value(holder, Some(*id), name);
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
}
