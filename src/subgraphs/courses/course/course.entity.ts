import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One weekly slot: weekday (MO…SU), local start time (HH:MM) and the lessons (45 minutes each) it holds. */
export interface WeeklySlot {
  weekday: string;
  startsAt: string;
  lessons: number;
}

/** A course a provider offers: an integration course or one of the local offers (language offensive). */
@Entity({ name: 'course' })
@Index('course_sort', ['startsOn', 'id'])
export class CourseEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'provider_id' }) providerId: string;
  @Column('text') title: string;
  @Column('text') kind: string;
  @Column('text', { name: 'target_level' }) targetLevel: string;
  @Column('date', { name: 'starts_on' }) startsOn: string;
  @Column('date', { name: 'ends_on', nullable: true }) endsOn: string | null;
  /** Free text, e.g. "Tue+Thu 09:00–10:30". */
  @Column('text') schedule: string;
  @Column('integer', { name: 'lessons_per_week' }) lessonsPerWeek: number;
  @Column('integer') capacity: number;
  @Column('boolean') childcare: boolean;
  @Column('text') location: string;
  @Column('text', { nullable: true }) district: string | null;
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  @Column('jsonb', { name: 'weekly_slots' }) weeklySlots: WeeklySlot[];
  /** Evening or shift-compatible: a worker can attend. */
  @Column('boolean', { name: 'evening_or_shift' }) eveningOrShift: boolean;
  @Column('boolean', { name: 'women_only' }) womenOnly: boolean;
  /** planned, open (taking enrolments), running, completed, cancelled. */
  @Column('text') status: string;
  @Column('text', { name: 'created_by' }) createdBy: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
