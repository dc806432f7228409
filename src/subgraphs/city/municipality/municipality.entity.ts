import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Municipalities by official key (Amtlicher Gemeindeschlüssel); districts and states are prefixes. */
@Entity({ name: 'municipality' })
export class MunicipalityEntity {
  @PrimaryColumn('text') key: string;
  @Column('text') name: string;
  @Column('text') level: string;
}
