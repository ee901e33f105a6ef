"""Code tables: every coded field's values, with the surveillance card's number and labels in
Chinese (the card's own words, see shared/injury-card.md) and English. Pure data.

A code is what the API and events carry; `number` is the card's numbering (a CSV export from a
hospital system may use it); codes that share a number split one box of the card (其他/不清楚).
"""
from safecommunity.contracts import incidents as contracts


def table(*rows):
    return tuple({"code": code, "number": number, "zh": zh, "en": en} for code, number, zh, en in rows)


OTHER, UNKNOWN = ("other", None, "其他", "Other"), ("unknown", None, "不详", "Unknown")

CODE_TABLES = {
    "sex": table(("male", 1, "男", "Male"), ("female", 2, "女", "Female"), ("unknown", 9, "不详", "Unknown")),
    "residence_type": table(("permanent", 1, "本市/县", "Local (this city or county)"),
                            ("migrant", 2, "本省外地/外省", "From elsewhere in China"),
                            ("foreigner", 4, "外籍", "Foreign national")),
    "education": table(("preschool_child", 1, "未上学儿童", "Child not yet at school"),
                       ("illiterate", 2, "文盲/半文盲", "Illiterate or semi-literate"),
                       ("primary", 3, "小学", "Primary school"), ("junior", 4, "初中", "Junior middle school"),
                       ("senior", 5, "高中或中专", "Senior middle or technical school"),
                       ("college", 6, "大专", "Junior college"),
                       ("university", 7, "大学及以上", "University or above")),
    "occupation": table(("preschool", 1, "学龄前儿童", "Pre-school child"), ("student", 2, "在校学生", "Student"),
                        ("housework", 3, "家务", "Homemaker"), ("unemployed", 4, "待业", "Unemployed"),
                        ("retired", 5, "离退休人员", "Retired"),
                        ("professional", 6, "专业技术人员", "Professional or technical"),
                        ("clerical", 7, "办事人员和有关人员", "Clerical"),
                        ("commerce_service", 8, "商业、服务业人员", "Commerce or services"),
                        ("agriculture", 9, "农牧渔水利业生产人员", "Farming, forestry, fishing"),
                        ("production_transport", 10, "生产运输设备操作人员及有关人员", "Production or transport"),
                        ("military", 11, "军人", "Military"), ("other", 12, "其他/不清楚", "Other or unknown")),
    "cause": table(("motor_vehicle", 1, "机动车车祸", "Motor-vehicle traffic"),
                   ("non_motor_vehicle", 2, "非机动车车祸", "Non-motor traffic"), ("fall", 3, "跌倒/坠落", "Fall"),
                   ("blunt_force", 4, "钝器伤", "Blunt force"), ("firearm", 5, "火器伤", "Firearm"),
                   ("cut_pierce", 6, "刀/锐器伤", "Cut or pierce"), ("burn_scald", 7, "烧烫伤", "Burn or scald"),
                   ("suffocation", 8, "窒息/悬吊", "Suffocation or hanging"), ("drowning", 9, "溺水", "Drowning"),
                   ("poisoning", 10, "中毒", "Poisoning"), ("animal", 11, "动物伤", "Animal bite or sting"),
                   ("sexual_assault", 12, "性侵犯", "Sexual assault"), ("other", 13, "其他", "Other"),
                   ("unknown", 14, "不清楚", "Unknown")),
    "intent": table(("unintentional", 1, "非故意（意外事故）", "Unintentional"),
                    ("self_harm", 2, "自残/自杀", "Self-harm"),
                    ("assault", 3, "故意（暴力、攻击）", "Assault"), ("other", 4, "其他", "Other"),
                    ("unknown", 4, "不清楚", "Unknown")),
    "place": table(("home", 1, "家中", "Home"), ("public_residential", 2, "公共居住场所", "Public residential area"),
                   ("school_public", 3, "学校与公共场所", "School or public building"),
                   ("sports", 4, "体育和运动场所", "Sports area"), ("road", 5, "公路/街道", "Road or street"),
                   ("trade_service", 6, "贸易和服务场所", "Trade and service area"),
                   ("industrial_construction", 7, "工业和建筑场所", "Industrial or construction area"),
                   ("farm", 8, "农田/农场", "Farm"), ("other", 9, "其他", "Other"),
                   ("unknown", 9, "不清楚", "Unknown")),
    "activity": table(("work", 1, "工作", "Work"), ("housework", 2, "家务", "Housework"), ("study", 3, "学习", "Study"),
                      ("sport", 4, "体育活动", "Sport"), ("leisure", 5, "休闲活动", "Leisure"),
                      ("vital", 6, "生命活动", "Vital activity (eating, sleeping...)"),
                      ("driving", 7, "驾乘交通工具", "Driving or riding"), ("walking", 8, "步行", "Walking"),
                      ("other", 9, "其他", "Other"), ("unknown", 9, "不清楚", "Unknown")),
    "alcohol": table(("yes", 1, "饮用", "Drank alcohol"), ("no", 2, "未饮用", "Did not drink"),
                     ("unknown", 3, "不清楚", "Unknown")),
    "nature": table(("fracture", 1, "骨折", "Fracture"), ("sprain_strain", 2, "扭伤/拉伤", "Sprain or strain"),
                    ("open_wound", 3, "锐器伤/咬伤/开放伤", "Open wound, cut or bite"),
                    ("contusion_abrasion", 4, "挫伤/擦伤", "Contusion or abrasion"), ("burn", 5, "烧烫伤", "Burn"),
                    ("concussion", 6, "脑震荡/脑挫裂伤", "Concussion or brain injury"),
                    ("organ", 7, "内脏器官伤", "Organ injury"), ("other", 8, "其他/不清楚", "Other or unknown")),
    "body_part": table(("head", 1, "头部", "Head"), ("upper_limb", 2, "上肢", "Upper limb"),
                       ("lower_limb", 3, "下肢", "Lower limb"), ("trunk", 4, "躯干", "Trunk"),
                       ("multiple", 5, "多部位", "Multiple parts"), ("whole_body", 6, "全身广泛受伤", "Whole body"),
                       ("other", 7, "其他/不清楚", "Other or unknown")),
    "severity": table(("mild", 1, "轻度", "Mild"), ("moderate", 2, "中度", "Moderate"),
                      ("severe", 3, "重度", "Severe")),
    "outcome": table(("treated_and_left", 1, "处理后离院", "Treated and left"),
                     ("observed", 2, "留观", "Kept under observation"),
                     ("transferred", 3, "转院", "Transferred"), ("admitted", 4, "住院", "Admitted"),
                     ("died", 5, "死亡", "Died"), ("other", 6, "其他", "Other")),
    # traffic sub-form (cause motor_vehicle or non_motor_vehicle)
    "transport_mode": table(("walking", 1, "行走", "Walking"), ("bicycle", 2, "脚踏车", "Bicycle"),
                            ("e_bike", 3, "电/助动车", "E-bike or moped"), ("motorcycle", 4, "摩托车", "Motorcycle"),
                            ("passenger_vehicle", 5, "载客机动车", "Passenger vehicle"),
                            ("goods_vehicle", 6, "载货机动车", "Goods vehicle"), OTHER, UNKNOWN),
    "road_user_role": table(("pedestrian", 1, "行人", "Pedestrian"), ("driver", 2, "司机/骑车者", "Driver or rider"),
                            ("passenger", 3, "乘坐者", "Passenger"),
                            ("boarding", 4, "正在上下车者", "Getting on or off"),
                            OTHER, UNKNOWN),
    "counterpart": table(("pedestrian", 1, "行人", "Pedestrian"), ("bicycle", 2, "脚踏车", "Bicycle"),
                         ("e_bike", 3, "电/助动车", "E-bike or moped"), ("motorcycle", 4, "摩托车", "Motorcycle"),
                         ("passenger_vehicle", 5, "载客机动车", "Passenger vehicle"),
                         ("goods_vehicle", 6, "载货机动车", "Goods vehicle"), OTHER,
                         ("no_collision", None, "无碰撞", "No collision"), UNKNOWN),
    "protection": table(("seat_belt", 1, "系安全带", "Seat belt"), ("helmet", 2, "戴头盔", "Helmet"),
                        ("neither", 3, "两者皆无", "Neither"), UNKNOWN),
    # fall sub-form (cause fall)
    "fall_type": table(("same_level", 1, "同一平面滑/绊/摔倒", "Slip or trip on the same level"),
                       ("furniture", 2, "从轮椅/椅子/床/家具", "From wheelchair, chair, bed or furniture"),
                       ("sports_equipment", 3, "从运动设施", "From sports equipment"),
                       ("stairs", 4, "从楼梯/台阶", "From stairs or steps"), ("ladder", 5, "从梯子", "From a ladder"),
                       ("scaffold", 6, "从脚手架", "From scaffolding"), ("building", 7, "从建筑物", "From a building"),
                       OTHER, UNKNOWN),
    "fall_cause": table(("slippery", 1, "地面/鞋底光滑", "Slippery floor or soles"),
                        ("tripped", 2, "被物/人绊倒", "Tripped over something or someone"),
                        ("pushed", 3, "被推撞", "Pushed"), ("misstep", 4, "踏/坐空", "Missed a step or seat"),
                        ("weak_legs", 5, "下肢无力", "Weak legs"), ("fainted", 6, "昏倒", "Fainted"), OTHER),
    "product_relation": table(("misuse", 1, "使用不当", "Misuse"), ("quality", 2, "与产品质量有关", "Product quality"),
                              ("normal_use", 3, "像往常一样使用却突发事故", "Accident in normal use"),
                              ("uncertain", 4, "不确定", "Uncertain"), ("other", 5, "其他", "Other")),
    "accident_kind": table(("traffic", None, "交通事故", "Traffic"), ("fire", None, "火灾", "Fire"),
                           ("work", None, "生产安全事故", "Work accident"), ("gas", None, "燃气事故", "Gas"),
                           ("drowning", None, "溺水", "Drowning"), ("poisoning", None, "中毒", "Poisoning"),
                           ("food_poisoning", None, "食物中毒", "Food poisoning"),
                           ("special_equipment", None, "特种设备事故", "Special equipment (lifts...)"),
                           ("school", None, "校园安全事故", "School incident"), OTHER),
    "public_order_kind": table(("criminal_alert", None, "刑事警情", "Criminal alert"),
                               ("burglary", None, "入室盗窃", "Burglary"), ("dispute", None, "矛盾纠纷", "Dispute"),
                               ("petition", None, "信访", "Petition"), OTHER),
    "dispute_step": table(("warned", 1, "预警", "Early warning"), ("investigated", 2, "排查", "Investigated"),
                          ("mediated", 3, "调处", "Mediated")),
    "hazard_category": table(("fire", None, "消防", "Fire"), ("electrical", None, "用电", "Electrical"),
                             ("gas", None, "燃气", "Gas"), ("structural", None, "建筑结构", "Structural"),
                             ("traffic", None, "交通", "Traffic"),
                             ("chemical", None, "危险化学品", "Hazardous chemicals"),
                             ("special_equipment", None, "特种设备", "Special equipment"),
                             ("food", None, "食品", "Food"),
                             ("public_order", None, "治安", "Public order"),
                             ("environment", None, "环境", "Environment"),
                             OTHER),
    "hazard_severity": table(("general", 1, "一般隐患", "General"), ("major", 2, "重大隐患", "Major")),
    "hazard_found_by": table(("patrol", None, "网格巡查", "Grid patrol"), ("inspector", None, "安全检查", "Inspector"),
                             ("self_report", None, "企业自查自报", "Enterprise self-report"),
                             ("video", None, "视频监控", "Video"), ("resident", None, "居民报告", "Resident"),
                             ("department", None, "部门通报", "Department")),
    "hazard_status": table(("reported", 1, "已登记", "Reported"), ("notified", 2, "已下达整改通知", "Notice served"),
                           ("rectifying", 3, "整改中", "Rectifying"), ("rectified", 4, "已整改", "Rectified"),
                           ("verified", 5, "已验收", "Verified"), ("closed", 6, "已销号", "Closed")),
}


def codes(name):
    return tuple(row["code"] for row in CODE_TABLES[name])


# The lists events carry are defined once, in the contracts; these tables must label exactly them.
CONTRACT_LISTS = {"cause": contracts.CAUSES, "intent": contracts.INTENTS, "place": contracts.PLACES,
                  "activity": contracts.ACTIVITIES, "nature": contracts.NATURES, "body_part": contracts.BODY_PARTS,
                  "severity": contracts.SEVERITIES, "outcome": contracts.OUTCOMES,
                  "accident_kind": contracts.ACCIDENT_KINDS, "public_order_kind": contracts.PUBLIC_ORDER_KINDS,
                  "hazard_category": contracts.HAZARD_CATEGORIES, "hazard_severity": contracts.HAZARD_SEVERITIES,
                  "hazard_status": contracts.HAZARD_STATUSES}


def from_card_number(name, value):
    """A card number (as a hospital export writes it) to our code; the value itself if it is a code."""
    text = str(value).strip()
    for row in CODE_TABLES[name]:
        if text == row["code"] or (row["number"] is not None and text == str(row["number"])):
            return row["code"]
    return text  # unknown: the schema refuses it, naming the field
