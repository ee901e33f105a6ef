"""Registry HTTP input and output. Requests are strict: unknown fields are refused."""
from datetime import date

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates

from safecommunity.contracts import RESIDENCE_TYPES, SEXES

from .codes import CodeInvalid, check_credit_code, check_phone, parse_id_number
from .domain import GRID_LEVELS
from .offices import DEPARTMENT_KINDS, ROLES
from .taxonomy import FACILITY_STATUSES, FACILITY_TYPES, RISK_GRADES, UNIT_SCALES
from .volunteers import TEAM_TYPES, VOLUNTEER_TYPES

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
                       error="use 1-40 letters, digits, '-', '_' or '.'")
TAXONOMY_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="use 1-40 lower-case letters, digits or '_'")


class Checked(fields.String):
    """A national code, normalised by its checker; the checker's reason is the field's error."""

    def __init__(self, checker, **kwargs):
        super().__init__(**kwargs)
        self.checker = checker

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self.checker(super()._deserialize(value, attr, data, **kwargs))
        except CodeInvalid as exc:
            raise ValidationError(str(exc)) from None


def id_number(**kwargs):
    return Checked(lambda raw: parse_id_number(raw)[0], **kwargs)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Query(Schema):
    """Query strings: unknown parameters are refused too; paging is read by paging()."""

    class Meta:
        unknown = RAISE

    limit = fields.String()
    offset = fields.String()


class CreateGridSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.String(required=True, validate=validate.OneOf(GRID_LEVELS))
    parent_code = fields.String(load_default=None, allow_none=True)


class GridSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent_code = fields.String(allow_none=True)


def past_date(value):
    if value > date.today():
        raise ValidationError("must not be in the future")


class TagInputSchema(Strict):
    tag = fields.String(required=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)
    tagged_on = fields.Date(load_default=None, validate=past_date)


class ResidentFieldsSchema(Strict):
    name = fields.String(validate=validate.Length(min=1, max=100))
    sex = fields.String(validate=validate.OneOf(SEXES))
    birth_date = fields.Date()
    residence_type = fields.String(validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = fields.String()
    id_number = id_number(allow_none=True)
    phone = Checked(check_phone, allow_none=True)
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    permit_expires_on = fields.Date(allow_none=True)

    @validates("birth_date")
    def birth_date_is_past(self, value, **_kwargs):
        past_date(value)
        if value.year < date.today().year - 130:
            raise ValidationError("more than 130 years ago")


class RegisterResidentSchema(ResidentFieldsSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_date = fields.Date(required=True)
    residence_type = fields.String(required=True, validate=validate.OneOf(RESIDENCE_TYPES))
    grid_code = fields.String(required=True)
    registered_on = fields.Date(load_default=None, validate=past_date)
    tags = fields.List(fields.Nested(TagInputSchema), load_default=list)


class MoveOutSchema(Strict):
    moved_out_on = fields.Date(load_default=date.today, validate=past_date)


class ResidentQuerySchema(Query):
    grid_code = fields.String()
    tag = fields.String()
    age_min = fields.Integer(validate=validate.Range(0, 150))
    age_max = fields.Integer(validate=validate.Range(0, 150))
    residence_type = fields.String(validate=validate.OneOf(RESIDENCE_TYPES))
    sex = fields.String(validate=validate.OneOf(SEXES))
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "moved_out", "all")))
    id_number = id_number()


class ShownTagSchema(Schema):
    code = fields.String()
    since = fields.Date(allow_none=True)
    attributes = fields.Dict()


class ResidentSchema(Schema):
    id = fields.String()
    name = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    residence_type = fields.String()
    grid_code = fields.String()
    registered_on = fields.Date()
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    permit_expires_on = fields.Date(allow_none=True)
    moved_out_on = fields.Date(allow_none=True)
    tags = fields.List(fields.Nested(ShownTagSchema))


class TagTypeSchema(Strict):
    code = fields.String(required=True, validate=TAXONOMY_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sensitive = fields.Boolean(load_default=False)
    min_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 150))
    max_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 150))
    attributes = fields.Dict(keys=fields.String(validate=TAXONOMY_CODE), load_default=dict)


class UnitTypeSchema(Strict):
    code = fields.String(required=True, validate=TAXONOMY_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=TAXONOMY_CODE)


class UnitFieldsSchema(Strict):
    name = fields.String(validate=validate.Length(min=1, max=200))
    type = fields.String()
    grid_code = fields.String()
    credit_code = Checked(check_credit_code, allow_none=True)
    scale = fields.String(allow_none=True, validate=validate.OneOf(UNIT_SCALES))
    industry = fields.String(allow_none=True, validate=validate.Length(max=100))
    hazardous_chemicals = fields.Boolean()
    major_hazard_source = fields.Boolean()
    risk_grade = fields.String(allow_none=True, validate=validate.OneOf(RISK_GRADES))
    safety_officer = fields.String(allow_none=True, validate=validate.Length(max=100))
    safety_officer_phone = Checked(check_phone, allow_none=True)
    special_workers = fields.Integer(validate=validate.Range(0, 100000))
    certified_special_workers = fields.Integer(validate=validate.Range(0, 100000))
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))


class RegisterUnitSchema(UnitFieldsSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True)
    grid_code = fields.String(required=True)
    hazardous_chemicals = fields.Boolean(load_default=False)
    major_hazard_source = fields.Boolean(load_default=False)
    special_workers = fields.Integer(load_default=0, validate=validate.Range(0, 100000))
    certified_special_workers = fields.Integer(load_default=0, validate=validate.Range(0, 100000))
    registered_on = fields.Date(load_default=None, validate=past_date)


class GradeRiskSchema(Strict):
    risk_grade = fields.String(required=True, validate=validate.OneOf(RISK_GRADES))
    graded_on = fields.Date(load_default=date.today, validate=past_date)


class UnitQuerySchema(Query):
    type = fields.String()
    grid_code = fields.String()
    risk_grade = fields.String(validate=validate.OneOf(RISK_GRADES))


class UnitSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String()
    name = fields.String()
    type = fields.String()
    grid_code = fields.String()
    credit_code = fields.String(allow_none=True)
    scale = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    hazardous_chemicals = fields.Boolean()
    major_hazard_source = fields.Boolean()
    risk_grade = fields.String(allow_none=True)
    safety_officer = fields.String(allow_none=True)
    safety_officer_phone = fields.String(allow_none=True)
    special_workers = fields.Integer()
    certified_special_workers = fields.Integer()
    address = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    registered_on = fields.Date()


class FacilityFieldsSchema(Strict):
    code = fields.String(validate=CODE)
    type = fields.String(validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = fields.String()
    unit_id = fields.String(allow_none=True)
    location = fields.String(allow_none=True, validate=validate.Length(max=300))
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    status = fields.String(validate=validate.OneOf(FACILITY_STATUSES))
    expires_on = fields.Date(allow_none=True)


class RegisterFacilitySchema(FacilityFieldsSchema):
    code = fields.String(required=True, validate=CODE)
    type = fields.String(required=True, validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = fields.String(required=True)
    status = fields.String(load_default="in_order", validate=validate.OneOf(FACILITY_STATUSES))
    last_inspected_on = fields.Date(load_default=None, validate=past_date)
    registered_on = fields.Date(load_default=None, validate=past_date)


class InspectFacilitySchema(Strict):
    inspected_on = fields.Date(load_default=date.today)
    status = fields.String(required=True, validate=validate.OneOf(FACILITY_STATUSES))


class FacilityQuerySchema(Query):
    type = fields.String(validate=validate.OneOf(sorted(FACILITY_TYPES)))
    grid_code = fields.String()
    status = fields.String(validate=validate.OneOf(FACILITY_STATUSES))
    unit_id = fields.String()
    overdue = fields.Boolean()


class FacilitySchema(Schema):
    id = fields.String()
    code = fields.String()
    type = fields.String()
    grid_code = fields.String()
    unit_id = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    status = fields.String()
    expires_on = fields.Date(allow_none=True)
    last_inspected_on = fields.Date(allow_none=True)
    next_inspection_due = fields.Date()
    registered_on = fields.Date()


class AuditQuerySchema(Query):
    subject = fields.String()
    resource_id = fields.String()
    resource_type = fields.String()
    since = fields.AwareDateTime(default_timezone=None)


# -- rental housing -----------------------------------------------------------------------------

class RentalFieldsSchema(Strict):
    grid_code = fields.String()
    address = fields.String(validate=validate.Length(min=1, max=300))
    landlord_resident_id = fields.String(allow_none=True)
    landlord_name = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    landlord_phone = Checked(check_phone, allow_none=True)
    group_rental = fields.Boolean()
    basement = fields.Boolean()
    letter_signed = fields.Boolean()
    signed_on = fields.Date(allow_none=True, validate=past_date)


class RegisterRentalSchema(RentalFieldsSchema):
    grid_code = fields.String(required=True)
    address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    group_rental = fields.Boolean(load_default=False)
    basement = fields.Boolean(load_default=False)
    letter_signed = fields.Boolean(load_default=False)
    registered_on = fields.Date(load_default=None, validate=past_date)
    tenants = fields.List(fields.String(), load_default=list)


class TenantInputSchema(Strict):
    resident_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class InspectRentalSchema(Strict):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10))
    inspected_on = fields.Date(load_default=date.today, validate=past_date)


class RentalQuerySchema(Query):
    grid_code = fields.String()
    group_rental = fields.Boolean()
    letter_signed = fields.Boolean()


class TenantSchema(Schema):
    resident_id = fields.String()
    since = fields.Date()


class RentalSchema(Schema):
    id = fields.String()
    grid_code = fields.String()
    address = fields.String()
    landlord_resident_id = fields.String(allow_none=True)
    landlord_name = fields.String(allow_none=True)
    landlord_phone = fields.String(allow_none=True)
    group_rental = fields.Boolean()
    basement = fields.Boolean()
    letter_signed = fields.Boolean()
    signed_on = fields.Date(allow_none=True)
    inspection_score = fields.Integer(allow_none=True)
    inspected_on = fields.Date(allow_none=True)
    registered_on = fields.Date()
    tenants = fields.List(fields.Nested(TenantSchema))


# -- volunteers and teams -----------------------------------------------------------------------

class VolunteerFieldsSchema(Strict):
    type = fields.String(validate=validate.OneOf(VOLUNTEER_TYPES))
    certificate_number = fields.String(allow_none=True, validate=validate.Length(min=1, max=60))
    certificate_expires_on = fields.Date(allow_none=True)


class RegisterVolunteerSchema(VolunteerFieldsSchema):
    resident_id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(VOLUNTEER_TYPES))
    registered_on = fields.Date(load_default=None, validate=past_date)


class LeaveSchema(Strict):
    left_on = fields.Date(load_default=date.today, validate=past_date)


class PairInputSchema(Strict):
    resident_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class VolunteerQuerySchema(Query):
    grid_code = fields.String()
    type = fields.String(validate=validate.OneOf(VOLUNTEER_TYPES))
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "left", "all")))
    serves = fields.String()  # a resident id: the volunteers paired with them now


class PairingSchema(Schema):
    resident_id = fields.String()
    since = fields.Date()
    until = fields.Date(allow_none=True)


class VolunteerSchema(Schema):
    id = fields.String()
    resident_id = fields.String()
    grid_code = fields.String()
    type = fields.String()
    certificate_number = fields.String(allow_none=True)
    certificate_expires_on = fields.Date(allow_none=True)
    certified = fields.Boolean()
    registered_on = fields.Date()
    left_on = fields.Date(allow_none=True)
    pairings = fields.List(fields.Nested(PairingSchema))


class FormTeamSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(TEAM_TYPES))
    grid_code = fields.String(load_default=None, allow_none=True)
    unit_id = fields.String(load_default=None, allow_none=True)
    registered_on = fields.Date(load_default=None, validate=past_date)
    members = fields.List(fields.String(), load_default=list)


class MemberInputSchema(Strict):
    volunteer_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class TeamQuerySchema(Query):
    grid_code = fields.String()
    type = fields.String(validate=validate.OneOf(TEAM_TYPES))


class MemberSchema(Schema):
    volunteer_id = fields.String()
    since = fields.Date()


class TeamSchema(Schema):
    id = fields.String()
    name = fields.String()
    type = fields.String()
    grid_code = fields.String(allow_none=True)
    unit_id = fields.String(allow_none=True)
    registered_on = fields.Date()
    members = fields.List(fields.Nested(MemberSchema))


# -- departments, roles and people in roles -----------------------------------------------------

class DepartmentSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(DEPARTMENT_KINDS))


class DepartmentQuerySchema(Query):
    kind = fields.String(validate=validate.OneOf(DEPARTMENT_KINDS))


class AppointSchema(Strict):
    role = fields.String(required=True, validate=validate.OneOf(sorted(ROLES)))
    department_code = fields.String(load_default=None, allow_none=True)
    grid_code = fields.String(load_default=None, allow_none=True)
    resident_id = fields.String(load_default=None, allow_none=True)
    person_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    person_phone = Checked(check_phone, load_default=None, allow_none=True)
    term_from = fields.Date(load_default=date.today)
    term_to = fields.Date(load_default=None, allow_none=True)


class EndTermSchema(Strict):
    ended_on = fields.Date(load_default=date.today)


class AssignmentQuerySchema(Query):
    role = fields.String(validate=validate.OneOf(sorted(ROLES)))
    grid_code = fields.String()
    department = fields.String()
    resident_id = fields.String()
    active_on = fields.Date()


class AssignmentSchema(Schema):
    id = fields.String()
    role = fields.String()
    department_code = fields.String(allow_none=True)
    grid_code = fields.String(allow_none=True)
    resident_id = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    person_phone = fields.String(allow_none=True)
    term_from = fields.Date()
    term_to = fields.Date(allow_none=True)


# -- buildings and households -------------------------------------------------------------------

def not_after_this_year(value):
    if value > date.today().year:
        raise ValidationError("must not be after this year")


class RegisterCompoundSchema(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    grid_code = fields.String(required=True)
    property_manager = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    registered_on = fields.Date(load_default=None, validate=past_date)


class CompoundQuerySchema(Query):
    grid_code = fields.String()
    name = fields.String()
    property_managed = fields.Boolean()


class CompoundSchema(Schema):
    code = fields.String()
    name = fields.String()
    grid_code = fields.String()
    property_manager = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    registered_on = fields.Date()


class BuildingFieldsSchema(Strict):
    grid_code = fields.String()
    name = fields.String(validate=validate.Length(min=1, max=200))
    compound_code = fields.String(allow_none=True)
    compound = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))  # a name: see README
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    storeys = fields.Integer(strict=True, validate=validate.Range(1, 200))
    year_built = fields.Integer(strict=True, allow_none=True,
                                validate=[validate.Range(1800, 2200), not_after_this_year])
    property_manager = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))
    lifts = fields.Integer(strict=True, validate=validate.Range(0, 200))


class RegisterBuildingSchema(BuildingFieldsSchema):
    grid_code = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    storeys = fields.Integer(required=True, strict=True, validate=validate.Range(1, 200))
    lifts = fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 200))
    registered_on = fields.Date(load_default=None, validate=past_date)


class BuildingQuerySchema(Query):
    grid_code = fields.String()
    compound_code = fields.String()
    compound = fields.String()  # the compound's name
    property_managed = fields.Boolean()
    built_before = fields.Integer(validate=validate.Range(1800, 2200))


class BuildingSchema(Schema):
    id = fields.String()
    grid_code = fields.String()
    name = fields.String()
    compound_code = fields.String(allow_none=True)
    compound = fields.String(allow_none=True)  # the compound's name
    address = fields.String(allow_none=True)
    storeys = fields.Integer()
    year_built = fields.Integer(allow_none=True)
    property_manager = fields.String(allow_none=True)
    lifts = fields.Integer()
    registered_on = fields.Date()


class RegisterHouseholdSchema(Strict):
    building_id = fields.String(required=True)
    room = fields.String(required=True, validate=validate.Length(min=1, max=40))
    registered_on = fields.Date(load_default=None, validate=past_date)
    members = fields.List(fields.String(), load_default=list)


class HouseholdMemberInputSchema(Strict):
    resident_id = fields.String(required=True)
    since = fields.Date(load_default=date.today, validate=past_date)


class HouseholdQuerySchema(Query):
    building_id = fields.String()
    resident_id = fields.String()


class HouseholdSchema(Schema):
    id = fields.String()
    building_id = fields.String()
    room = fields.String()
    registered_on = fields.Date()
    members = fields.List(fields.Nested(TenantSchema))
