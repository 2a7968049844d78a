import ClinicalEvents

/// Where things are on the body chart: a body outline and a position for every muscle and body
/// region in the vocabularies, drawn for this project (no copied artwork).
///
/// Each figure is 200 × 450 units, the midline at x = 100. Positions are given for the
/// patient's *left* side as a distance from the midline (`dx`) and a height (`y`); the right side
/// mirrors it. The front view shows the patient facing the reader — their left on the reader's
/// right — and the back view from behind, their left on the reader's left.
/// `ClinicalReportTests` keeps this table and ``Vocabularies/muscles`` in step, and every
/// position inside the outline.
public enum BodyChartLayout {
    public enum View: String, Sendable, CaseIterable { case front, back }

    /// A place on one side of the body, in one view.
    public struct Place: Sendable, Equatable {
        public var view: View
        public var dx: Double
        public var y: Double
    }

    public static let width = 200.0, height = 450.0, midline = 100.0

    /// The right half of the outline (as drawn, from the top of the head down the outside of the
    /// arm and leg and back up the inside to the crotch); the outline is it and its mirror image.
    static let halfOutline: [(dx: Double, y: Double)] = [
        (0, 8), (13, 10), (21, 19), (23, 35), (20, 51), (13, 62),  // head
        (10, 70), (12, 79),  // neck
        (38, 86), (51, 94), (56, 110),  // shoulder
        (58, 150), (61, 190), (64, 228), (67, 240), (71, 262), (64, 274), (56, 264), (53, 244),  // arm, hand
        (49, 228), (44, 190), (40, 150), (38, 128),  // inside of the arm, armpit
        (36, 140), (33, 180), (31, 208), (37, 228), (40, 252),  // flank, hip
        (38, 300), (33, 342), (31, 356), (30, 392), (26, 420), (31, 436), (29, 444), (9, 444), (10, 420), (10, 392), (10, 356), (8, 300), (4, 262), (0, 258),  // leg, foot
    ]

    /// The whole outline as polygon points, in figure units.
    public static let outline: [(x: Double, y: Double)] = {
        let right = halfOutline.map { (x: midline + $0.dx, y: $0.y) }
        let left = halfOutline.reversed().dropFirst().dropLast().map { (x: midline - $0.dx, y: $0.y) }
        return right + left
    }()

    /// Where each muscle is palpated, on the view a therapist charts it on.
    public static let muscles: [String: Place] = [
        // Head and neck
        "temporalis": Place(view: .front, dx: 18, y: 28),
        "masseter": Place(view: .front, dx: 13, y: 47),
        "sternocleidomastoid": Place(view: .front, dx: 6, y: 74),
        "scalenes": Place(view: .front, dx: 10, y: 80),
        "suboccipitals": Place(view: .back, dx: 7, y: 56),
        "splenius-capitis": Place(view: .back, dx: 8, y: 66),
        "levator-scapulae": Place(view: .back, dx: 12, y: 80),
        "upper-trapezius": Place(view: .back, dx: 26, y: 86),
        // Shoulder girdle and upper back
        "supraspinatus": Place(view: .back, dx: 32, y: 96),
        "infraspinatus": Place(view: .back, dx: 28, y: 116),
        "teres-minor": Place(view: .back, dx: 38, y: 118),
        "teres-major": Place(view: .back, dx: 33, y: 130),
        "rhomboid-minor": Place(view: .back, dx: 10, y: 100),
        "rhomboid-major": Place(view: .back, dx: 13, y: 118),
        "middle-trapezius": Place(view: .back, dx: 20, y: 104),
        "lower-trapezius": Place(view: .back, dx: 12, y: 140),
        "latissimus-dorsi": Place(view: .back, dx: 27, y: 160),
        "deltoid": Place(view: .front, dx: 48, y: 104),
        "subscapularis": Place(view: .front, dx: 35, y: 124),
        "pectoralis-major": Place(view: .front, dx: 20, y: 108),
        "pectoralis-minor": Place(view: .front, dx: 30, y: 100),
        "serratus-anterior": Place(view: .front, dx: 30, y: 146),
        // Arm
        "biceps-brachii": Place(view: .front, dx: 50, y: 142),
        "triceps-brachii": Place(view: .back, dx: 50, y: 146),
        "wrist-flexors": Place(view: .front, dx: 56, y: 204),
        "wrist-extensors": Place(view: .back, dx: 57, y: 200),
        // Trunk
        "rectus-abdominis": Place(view: .front, dx: 8, y: 180),
        "erector-spinae": Place(view: .back, dx: 9, y: 170),
        "multifidus": Place(view: .back, dx: 4, y: 204),
        "quadratus-lumborum": Place(view: .back, dx: 19, y: 200),
        "iliopsoas": Place(view: .front, dx: 17, y: 228),
        // Hip
        "gluteus-maximus": Place(view: .back, dx: 18, y: 250),
        "gluteus-medius": Place(view: .back, dx: 29, y: 230),
        "gluteus-minimus": Place(view: .back, dx: 33, y: 242),
        "piriformis": Place(view: .back, dx: 15, y: 238),
        "tensor-fasciae-latae": Place(view: .front, dx: 33, y: 246),
        // Thigh and leg
        "adductor-magnus": Place(view: .front, dx: 13, y: 292),
        "rectus-femoris": Place(view: .front, dx: 24, y: 286),
        "vastus-lateralis": Place(view: .front, dx: 32, y: 308),
        "vastus-medialis": Place(view: .front, dx: 17, y: 330),
        "hamstrings": Place(view: .back, dx: 22, y: 300),
        "gastrocnemius": Place(view: .back, dx: 20, y: 372),
        "soleus": Place(view: .back, dx: 20, y: 400),
        "tibialis-anterior": Place(view: .front, dx: 22, y: 382),
        "peroneus-longus": Place(view: .front, dx: 28, y: 372),
        "plantar-intrinsics": Place(view: .back, dx: 19, y: 438),
    ]

    /// Where pain is referred to: one place per body region, drawn on the view of the trigger
    /// point that refers it (the same `dx`, `y` on either view).
    public static let regions: [String: (dx: Double, y: Double)] = [
        "head": (14, 26), "jaw": (12, 55), "neck": (7, 74), "shoulder": (44, 96), "upper-back": (18, 112), "mid-back": (16, 150),
        "lower-back": (14, 196), "chest": (18, 118), "abdomen": (12, 196), "upper-arm": (50, 132), "elbow": (53, 176), "forearm": (57, 210),
        "wrist": (63, 234), "hand": (64, 258), "pelvis": (18, 222), "hip": (35, 236), "buttock": (22, 254), "groin": (9, 256),
        "thigh": (24, 310), "knee": (22, 352), "lower-leg": (21, 388), "ankle": (20, 422), "foot": (20, 436),
    ]

    /// The point, in figure units, of a place on the patient's `left` or right side.
    public static func point(dx: Double, y: Double, view: View, left: Bool) -> (x: Double, y: Double) {
        // Front: the patient's left is the reader's right. Back: the reader's left.
        let towardsReadersRight = (view == .front) == left
        return (midline + (towardsReadersRight ? dx : -dx), y)
    }

    /// Whether a point lies inside the outline (even–odd rule).
    public static func insideOutline(x: Double, y: Double) -> Bool {
        var inside = false
        var j = outline.count - 1
        for i in outline.indices {
            let (a, b) = (outline[i], outline[j])
            if (a.y > y) != (b.y > y), x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }
}
